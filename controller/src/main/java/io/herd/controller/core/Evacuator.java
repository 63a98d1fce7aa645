package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places the servers of dead hosts elsewhere. A host DOWN for longer than the grace period
 * has its EVACUATE groups' members moved, each under the same rules as a new member (an
 * AFFINITY group's members on it move together, all or none); a host an operator evacuated
 * has all its servers moved at once. The old host's domains are presumed gone (fenced by
 * their agent, or destroyed at the controller's command when the host returns), so no hold is
 * kept there. A server with no legal host stays, with the reason, and is tried again when
 * capacity appears.
 */
final class Evacuator {

    private static final Logger LOG = LoggerFactory.getLogger(Evacuator.class);

    private final Inventory inv;
    private final CoreSettings settings;
    private final Mover mover;
    private final Launcher launcher;
    private final Deleter deleter;
    private final CoreMetrics metrics;
    /**
     * DOWN hosts whose evacuation began, and whether an operator's (under the lock): an
     * evacuation is counted once each time a host goes down, and once more for an operator's.
     */
    private final Map<String, Boolean> begun = new HashMap<>();
    /** Servers that found no host, and the capacity generation when they last tried (under the lock). */
    private final Map<String, Long> stuck = new HashMap<>();

    Evacuator(Inventory inv, CoreSettings settings, Mover mover, Launcher launcher, Deleter deleter,
              CoreMetrics metrics) {
        this.inv = inv;
        this.metrics = metrics;
        this.settings = settings;
        this.mover = mover;
        this.launcher = launcher;
        this.deleter = deleter;
    }

    /**
     * When a DOWN host's EVACUATE members are moved: the end of its grace period. A host
     * loaded DOWN at start is counted DOWN only once it has had its time to heartbeat.
     */
    Instant evacuateAt(HostRecord host) {
        Instant downSince = host.downSince();
        Instant earliest = inv.startedAt.plus(settings.downAfter());
        return (downSince.isBefore(earliest) ? earliest : downSince).plus(settings.gracePeriod());
    }

    /** Evacuates every host that is due (under the inventory lock). */
    void tickLocked() {
        stuck.keySet().removeIf(id -> inv.server(id) == null);
        begun.keySet().removeIf(id -> inv.host(id) == null || inv.host(id).up());
        Instant now = inv.now();
        List<HostRecord> down = new ArrayList<>();
        for (HostRecord host : inv.hosts()) {
            if (!host.up()) {
                down.add(host);
            }
        }
        for (HostRecord host : down) {
            if (!host.evacuationRequested() && now.isBefore(evacuateAt(host))) {
                continue;
            }
            evacuate(host, host.evacuationRequested(), false);
        }
    }

    /**
     * Moves what must leave the DOWN host now (under the inventory lock).
     *
     * @param all   every server, whatever its group's choice (an operator's evacuation)
     * @param again try servers that found no host before even if capacity did not change
     */
    MoveReport evacuate(HostRecord host, boolean all, boolean again) {
        long generation = inv.capacityGeneration();
        releaseOldDomains(host);
        String why = all ? "host " + host.name() + " was evacuated by an operator"
                : "host " + host.name() + " was DOWN for the grace period (" + settings.gracePeriod().toSeconds()
                + " s)";
        Map<String, List<ServerRecord>> units = new LinkedHashMap<>();
        List<MoveReport.Left> left = new ArrayList<>();
        for (String id : List.copyOf(inv.serverIdsOn(host.id()))) {
            ServerRecord s = inv.server(id);
            GroupRecord g = s.groupId().isEmpty() ? null : inv.group(s.groupId());
            if (!all && (g == null || !g.evacuates())) {
                continue;
            }
            if (s.status() == ServerStatus.DELETING) {
                // its domain went with the host (or was fenced): nothing left to wait for
                LOG.warn("server {} ({}) was being deleted on host {}, which is gone: it is gone too", s.name(), id,
                        host.name());
                inv.remove(s);
                continue;
            }
            if (s.status() == ServerStatus.ERROR) {
                left.add(new MoveReport.Left(id, s.name(), "it is ERROR (its domain was not running)"));
                continue;
            }
            if (inv.agentCall(id) != null) {
                left.add(new MoveReport.Left(id, s.name(), "a launch to the host is still in flight; it is placed "
                        + "again when that call fails"));
                continue;
            }
            Long triedAt = stuck.get(id);
            if (!again && triedAt != null && triedAt == generation) {
                left.add(new MoveReport.Left(id, s.name(), s.statusMessage()));
                continue;
            }
            // an affinity group's members move together: alone, each would be held to the dead host
            String unit = g != null && g.policy() == Policy.AFFINITY ? g.id() : id;
            units.computeIfAbsent(unit, k -> new ArrayList<>()).add(s);
        }
        if (all || !units.isEmpty()) {
            began(host.id(), all);
        }
        List<MoveReport.Moved> moved = new ArrayList<>();
        for (List<ServerRecord> unit : units.values()) {
            Mover.Outcome out = mover.move(unit, null, false, HistoryEntry.Event.EVACUATED, why);
            if (out.succeeded()) {
                for (ServerRecord m : out.moved()) {
                    stuck.remove(m.id());
                    LOG.warn("server {} ({}) evacuated from host {} to host {}", m.name(), m.id(), host.name(),
                            inv.hostName(m.hostId()));
                    moved.add(new MoveReport.Moved(m.id(), m.name(), m.hostId(), inv.hostName(m.hostId())));
                }
                continue;
            }
            String reason = "host " + host.name() + " is down and no other host may take it now: " + out.whyNot()
                    + "; tried again when capacity appears";
            for (ServerRecord s : unit) {
                if (!stuck.containsKey(s.id())) {
                    LOG.warn("server {} ({}) cannot be evacuated from host {}: {}", s.name(), s.id(), host.name(),
                            out.whyNot());
                }
                stuck.put(s.id(), generation);
                if (!s.statusMessage().equals(reason)) {
                    inv.commit(s.withStatus(s.status(), reason, inv.now()));
                }
                left.add(new MoveReport.Left(s.id(), s.name(), reason));
            }
        }
        return new MoveReport(null, moved, left);
    }

    /** Tells the metrics of an evacuation beginning: the first of the host's time DOWN, or an operator's. */
    private void began(String hostId, boolean all) {
        Boolean before = begun.get(hostId);
        if (before == null || all && !before) {
            begun.put(hostId, all);
            metrics.hostEvacuated(all);
        }
    }

    /**
     * Servers that were leaving the dead host (its old domain not yet removed) go ahead: the
     * host is presumed gone with its domains.
     */
    private void releaseOldDomains(HostRecord host) {
        for (String id : List.copyOf(inv.serverIdsLeaving(host.id()))) {
            ServerRecord s = inv.server(id);
            LOG.warn("server {}: host {} is gone; its old domain there is presumed gone with it", id, host.name());
            CompletableFuture<Void> written = inv.commit(s.movedTo(s.hostId(), "", s.status(), s.statusMessage(),
                    inv.now()));
            if (s.status() == ServerStatus.DELETING) {
                deleter.startLocked(id);
            } else if (s.status() == ServerStatus.BUILDING && inv.startAgentCall(id, "launch")) {
                // the launcher stopped waiting for the host: launch it where it goes
                launcher.queueWhenWritten(written, List.of(id));
            }
        }
    }
}
