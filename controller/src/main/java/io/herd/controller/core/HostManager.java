package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Resources;
import io.herd.controller.store.Mutation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hosts: registration and heartbeats, reconciliation, liveness, and the operator's cordon. */
public final class HostManager {

    private static final Logger LOG = LoggerFactory.getLogger(HostManager.class);

    private final Inventory inv;
    private final CoreSettings settings;
    private final Launcher launcher;

    HostManager(Inventory inv, CoreSettings settings, Launcher launcher) {
        this.inv = inv;
        this.settings = settings;
        this.launcher = launcher;
    }

    /** Registers or refreshes the host, brings it UP, and reconciles its servers with its domains. */
    public HostReport.Ack heartbeat(HostReport r) {
        List<String> relaunch;
        List<String> unknown = new ArrayList<>();
        synchronized (inv.lock) {
            HostRecord old = inv.host(r.hostId());
            Instant now = inv.now();
            Map<String, HostReport.ReportedDomain> reported = new HashMap<>();
            // herd domains the controller does not know hold no claim, yet use the host like a
            // foreign domain does: placement must count them
            Resources unmanaged = r.foreignUsage();
            for (HostReport.ReportedDomain d : r.domains()) {
                reported.put(d.serverId(), d);
                ServerRecord s = inv.server(d.serverId());
                if (s == null || !s.hostId().equals(r.hostId())) {
                    unknown.add(d.serverId());
                    unmanaged = unmanaged.plus(d.resources());
                }
            }
            HostRecord host = new HostRecord(r.hostId(), r.hostName(), r.rack(), r.zone(), r.agentAddress(),
                    r.capacity(), r.usage(), unmanaged, r.acceleration(), r.agentVersion(),
                    old == null || old.schedulable(), old == null ? "" : old.unschedulableReason(), true,
                    r.degraded(), r.degradedReason(), now, unknown);
            if (host.storedFieldsDiffer(old)) {
                inv.writer.submit(new Mutation.UpsertHost(host));
            }
            inv.putHost(host);
            if (old == null) {
                LOG.info("host {} ({}) registered from {}, rack '{}', zone '{}'", host.name(), host.id(),
                        host.agentAddress(), host.rack(), host.zone());
            } else if (!old.up()) {
                LOG.info("host {} ({}) is UP", host.name(), host.id());
            }
            if (!unknown.isEmpty() && (old == null || !old.unknownServerIds().equals(unknown))) {
                LOG.warn("host {} runs herd domains the controller does not know (left alone): {}", host.name(),
                        unknown);
            }
            List<ServerRecord> placed = serversToReconcile(host, old, reported);
            Reconciler.Outcome outcome = Reconciler.reconcile(host.name(), placed, reported, inv.launching,
                    inv.missingCounts, now);
            for (String id : outcome.vanished()) {
                inv.engine.release(id);
                LOG.warn("server {}: its domain vanished from host {}", id, host.name());
            }
            inv.commit(outcome.changed());
            relaunch = outcome.relaunch();
            inv.launching.addAll(relaunch);
        }
        for (String id : relaunch) {
            LOG.info("server {} is BUILDING and its domain is not on its host: launching it (again)", id);
            launcher.submit(id);
        }
        return new HostReport.Ack(settings.heartbeatInterval().toMillis(), List.copyOf(unknown));
    }

    /**
     * The servers of the host this heartbeat may change: all of them on the host's first
     * heartbeat since the controller started or since it was DOWN; otherwise only those whose
     * domain the report lists differently from the previous heartbeat (new, changed or gone),
     * those not ACTIVE, those whose record changed since, and those counting misses. A server
     * outside these is ACTIVE with its domain reported running, as before: nothing to do.
     */
    private List<ServerRecord> serversToReconcile(HostRecord host, HostRecord old,
                                                  Map<String, HostReport.ReportedDomain> reported) {
        Map<String, HostReport.ReportedDomain> previous = inv.lastReported.put(host.id(), reported);
        Set<String> recheck = inv.takeServersToRecheck(host.id());
        Collection<String> ids;
        if (previous == null || old == null || !old.up()) {
            ids = inv.serverIdsOn(host.id());
        } else {
            recheck.addAll(inv.missingCounts.keySet());
            for (HostReport.ReportedDomain d : reported.values()) {
                if (!d.equals(previous.get(d.serverId()))) {
                    recheck.add(d.serverId());
                }
            }
            for (String id : previous.keySet()) {
                if (!reported.containsKey(id)) {
                    recheck.add(id);
                }
            }
            ids = recheck;
        }
        List<ServerRecord> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            ServerRecord s = inv.server(id);
            if (s != null && s.holdsClaim() && s.hostId().equals(host.id())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Marks DOWN every host whose last heartbeat is older than 3 intervals (hosts loaded from
     * the store count from the controller's start), and its ACTIVE servers UNKNOWN.
     */
    public void checkLiveness() {
        synchronized (inv.lock) {
            Instant now = inv.now();
            Duration limit = settings.downAfter();
            List<ServerRecord> changed = new ArrayList<>();
            for (HostRecord h : List.copyOf(inv.hosts())) {
                Instant last = h.lastHeartbeat().isAfter(inv.startedAt) ? h.lastHeartbeat() : inv.startedAt;
                if (Duration.between(last, now).compareTo(limit) <= 0) {
                    continue;
                }
                if (h.up()) {
                    LOG.warn("host {} ({}) is DOWN: no heartbeat since {}", h.name(), h.id(), h.lastHeartbeat());
                    inv.putHost(h.withUp(false));
                }
                for (String id : inv.serverIdsOn(h.id())) {
                    ServerRecord s = inv.server(id);
                    // BUILDING stays BUILDING: its domain was never seen running, so when the host
                    // returns without it the server is launched again rather than declared vanished
                    if (s.status() == ServerStatus.ACTIVE) {
                        changed.add(s.withStatus(ServerStatus.UNKNOWN, "host " + h.name() + " is down: no heartbeat "
                                + "for " + CoreSettings.MISSED_HEARTBEATS_FOR_DOWN + " intervals", now));
                    }
                }
            }
            inv.commit(changed);
        }
    }

    public List<HostView> list() {
        synchronized (inv.lock) {
            return inv.hosts().stream().map(this::view).toList();
        }
    }

    public HostView get(String idOrName) {
        synchronized (inv.lock) {
            return view(require(idOrName));
        }
    }

    /** Takes a host out of placement (its servers stay) or puts it back. */
    public HostView setSchedulable(String idOrName, boolean schedulable, String reason) {
        synchronized (inv.lock) {
            HostRecord h = require(idOrName).withSchedulable(schedulable, schedulable ? "" : reason);
            StoreWriter.await(inv.writer.submit(new Mutation.UpsertHost(h)), "nothing changed, retry");
            inv.putHost(h);
            LOG.info("host {} is {}schedulable{}", h.name(), schedulable ? "" : "not ",
                    schedulable ? "" : ": " + reason);
            return view(h);
        }
    }

    private HostView view(HostRecord h) {
        Resources allocated = inv.engine.allocated(h.id());
        return new HostView(h, h.toSpec(allocated.diskGib()).allocatable(), allocated, inv.serverIdsOn(h.id()).size());
    }

    private HostRecord require(String idOrName) {
        HostRecord h = inv.findHost(idOrName);
        if (h == null) {
            throw ControllerException.notFound("id: no host with id or name '" + idOrName + "'");
        }
        return h;
    }
}
