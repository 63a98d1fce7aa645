package io.herd.controller.core;

import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Moves servers to other hosts under their groups' rules: claims the new hosts (all or
 * nothing), records each move in the server's history, and launches each server on its new
 * host once the move is on disk (so that after a crash the store names every host that may
 * hold its domain). Shared by evacuation, migration and drain; called under the inventory
 * lock, for servers with no agent call in flight.
 */
final class Mover {

    private final Inventory inv;
    private final Launcher launcher;
    private final CoreMetrics metrics;

    Mover(Inventory inv, Launcher launcher, CoreMetrics metrics) {
        this.inv = inv;
        this.launcher = launcher;
        this.metrics = metrics;
    }

    /** The servers moved (each BUILDING on its new host), or why none was, and when the moves are on disk. */
    record Outcome(List<ServerRecord> moved, String whyNot, CompletableFuture<Void> written) {
        boolean succeeded() {
            return !moved.isEmpty();
        }
    }

    /**
     * @param onlyHost the one host allowed, or null for the best legal one
     * @param holdOld  keep each old host's capacity and group slot until the old domain is
     *                 removed there (a live host); false when the old host is presumed gone
     */
    Outcome move(List<ServerRecord> servers, String onlyHost, boolean holdOld, HistoryEntry.Event event,
                 String why) {
        Claims.Result placed = inv.placeElsewhere(servers, Set.of(), onlyHost, holdOld);
        if (!placed.placed()) {
            return new Outcome(List.of(), placed.whyNot(), CompletableFuture.completedFuture(null));
        }
        List<ServerRecord> moved = new ArrayList<>(servers.size());
        List<HistoryEntry> steps = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            ServerRecord s = servers.get(i);
            String to = placed.hosts().get(i);
            inv.startAgentCall(s.id(), "launch");
            moved.add(s.movedTo(to, holdOld ? s.hostId() : "", ServerStatus.BUILDING,
                    why + "; moving to host " + inv.hostName(to), inv.now()));
            steps.add(new HistoryEntry(s.id(), inv.now(), event, s.hostId(), to, why));
        }
        CompletableFuture<Void> written = CompletableFuture.allOf(inv.commit(moved), inv.record(steps));
        launcher.queueWhenWritten(written, moved.stream().map(ServerRecord::id).toList());
        metrics.serversMoved(event, moved.size());
        return new Outcome(moved, "", written);
    }
}
