package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance moves: a cold migration of one server, and the drain of a host (cordon, then
 * migrate everything on it). A migrating server keeps a hold on its old host until its old
 * domain is removed there, then is launched from its image on the new host.
 */
public final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final Inventory inv;
    private final Mover mover;
    private final HostManager hosts;

    Migrations(Inventory inv, Mover mover, HostManager hosts) {
        this.inv = inv;
        this.mover = mover;
        this.hosts = hosts;
    }

    /** Moves the server to {@code toHostRef} (id or name; empty: the best legal host). */
    public ServerView migrate(String id, String toHostRef) {
        Mover.Outcome out;
        synchronized (inv.lock) {
            inv.requireStoreHealthy();
            ServerRecord s = inv.server(id);
            if (s == null) {
                throw ControllerException.notFound("id: no server with id '" + id + "'");
            }
            HostRecord from = s.holdsClaim() ? inv.host(s.hostId()) : null;
            String refusal = refusal(s, from);
            if (refusal != null) {
                throw ControllerException.precondition("server " + id + " cannot be migrated: " + refusal);
            }
            String only = null;
            if (!toHostRef.isEmpty()) {
                HostRecord to = inv.findHost(toHostRef);
                if (to == null) {
                    throw ControllerException.notFound("to_host: no host with id or name '" + toHostRef + "'");
                }
                if (to.id().equals(from.id())) {
                    throw ControllerException.precondition("to_host: server " + id + " already runs on host "
                            + to.name() + "; name another host, or none to let herd choose");
                }
                only = to.id();
            }
            out = mover.move(List.of(s), only, true, HistoryEntry.Event.MIGRATED, "migrated from host " + from.name());
            if (!out.succeeded()) {
                throw ControllerException.exhausted(out.whyNot());
            }
            LOG.info("server {} ({}) migrating from host {} to host {}", s.name(), id, from.name(),
                    inv.hostName(out.moved().get(0).hostId()));
        }
        StoreWriter.await(out.written(), "the move is recorded in memory and is written when the store is back");
        synchronized (inv.lock) {
            ServerRecord now = inv.server(id);
            return inv.view(now != null ? now : out.moved().get(0));
        }
    }

    /** Cordons the host, then migrates every server on it that may move; reports the others. */
    public MoveReport drain(String hostRef, String reason) {
        List<MoveReport.Moved> moved = new ArrayList<>();
        List<MoveReport.Left> left = new ArrayList<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        String hostId;
        synchronized (inv.lock) {
            inv.requireStoreHealthy();
            HostRecord host = inv.findHost(hostRef);
            if (host == null) {
                throw ControllerException.notFound("id: no host with id or name '" + hostRef + "'");
            }
            hostId = host.id();
            if (!host.up()) {
                throw ControllerException.precondition("host " + host.name() + " is DOWN: its servers cannot be "
                        + "stopped there; evacuate it instead if it is dead");
            }
            writes.add(inv.saveHost(host.withSchedulable(false, reason)));
            Map<String, List<ServerRecord>> units = new LinkedHashMap<>();
            for (String id : List.copyOf(inv.serverIdsOn(host.id()))) {
                ServerRecord s = inv.server(id);
                String refusal = refusal(s, host);
                if (refusal != null) {
                    left.add(new MoveReport.Left(id, s.name(), refusal));
                    continue;
                }
                GroupRecord g = s.groupId().isEmpty() ? null : inv.group(s.groupId());
                units.computeIfAbsent(g != null && g.policy() == Policy.AFFINITY ? g.id() : id,
                        k -> new ArrayList<>()).add(s);
            }
            for (List<ServerRecord> unit : units.values()) {
                Mover.Outcome out = mover.move(unit, null, true, HistoryEntry.Event.MIGRATED,
                        "host " + host.name() + " drained: " + reason);
                if (!out.succeeded()) {
                    unit.forEach(s -> left.add(new MoveReport.Left(s.id(), s.name(), "no other host may take it: "
                            + out.whyNot())));
                    continue;
                }
                writes.add(out.written());
                out.moved().forEach(m -> moved.add(new MoveReport.Moved(m.id(), m.name(), m.hostId(),
                        inv.hostName(m.hostId()))));
            }
            LOG.info("draining host {}: {} server(s) moving, {} left", host.name(), moved.size(), left.size());
        }
        StoreWriter.await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)),
                "the drain is recorded in memory and is written when the store is back");
        return new MoveReport(hosts.get(hostId), moved, left);
    }

    /** Why the server cannot be migrated now, or null. Under the inventory lock. */
    private String refusal(ServerRecord s, HostRecord host) {
        if (s.status() != ServerStatus.ACTIVE && s.status() != ServerStatus.ERROR) {
            return "it is " + s.status() + (s.status() == ServerStatus.BUILDING ? "; migrate it once it is ACTIVE"
                    : "");
        }
        if (host == null) {
            return "it holds no host (its domain is gone); delete it, or create it again";
        }
        if (!host.up() || host.degraded()) {
            return "its host " + host.name() + " is " + (host.up() ? "degraded" : "DOWN")
                    + ": its domain cannot be stopped there now";
        }
        if (s.leavingHost() || inv.agentCall(s.id()) != null) {
            return "an agent call for it is in flight; try again when it is done";
        }
        return null;
    }
}
