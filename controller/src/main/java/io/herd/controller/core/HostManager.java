package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts: registration and heartbeats (handled by {@link Heartbeats}), liveness, evacuation of
 * dead hosts, approval and the operator's cordon.
 */
public final class HostManager {

    private static final Logger LOG = LoggerFactory.getLogger(HostManager.class);

    private final Inventory inv;
    private final CoreSettings settings;
    private final Heartbeats heartbeats;
    private final CoreMetrics metrics;
    private Evacuator evacuator;

    HostManager(Inventory inv, CoreSettings settings, Launcher launcher, Deleter deleter, AgentPort agents,
                CoreMetrics metrics) {
        this.metrics = metrics;
        this.inv = inv;
        this.settings = settings;
        this.heartbeats = new Heartbeats(inv, settings, launcher, deleter, agents);
    }

    /** Registers or refreshes the host, brings it UP, and reconciles its servers with its domains. */
    public HostReport.Ack heartbeat(HostReport r) {
        return heartbeats.heartbeat(r);
    }

    /**
     * The answer to a heartbeat that repeats its host's last one when that one found nothing to
     * do, given at once without the inventory's lock; null when the heartbeat needs
     * {@link #heartbeat}, which may wait for the lock.
     */
    public HostReport.Ack quietHeartbeat(HostReport r) {
        return heartbeats.quiet(r);
    }

    void setEvacuator(Evacuator evacuator) {
        this.evacuator = evacuator;
    }

    /** Lets a host that awaits approval take servers. */
    public HostView approve(String idOrName) {
        CompletableFuture<Void> written = null;
        String id;
        synchronized (inv.lock) {
            HostRecord h = require(idOrName);
            id = h.id();
            if (!h.approved()) {
                inv.requireStoreHealthy();
                written = inv.saveHost(h.withApproved());
                LOG.info("host {} ({}) approved: it takes servers now", h.name(), h.id());
            }
        }
        if (written != null) {
            StoreWriter.await(written, "the approval is in effect and is written when the store is back");
        }
        return get(id);
    }

    /**
     * Marks DOWN every host whose last heartbeat is older than 3 intervals (hosts loaded from
     * the store count from the controller's start), and its ACTIVE servers UNKNOWN; then
     * evacuates the hosts whose grace period is over.
     */
    public void checkLiveness() {
        synchronized (inv.lock) {
            Instant now = inv.now();
            // silent for longer than the limit: last heartbeat before the cutoff. Found by one
            // pass over the hosts without copying them, as this runs every tick at any fleet size
            Instant cutoff = now.minus(settings.downAfter());
            List<HostRecord> silent = new ArrayList<>();
            // every host counts from the controller's start at the earliest
            if (inv.startedAt.isBefore(cutoff)) {
                for (HostRecord h : inv.hosts()) {
                    if (h.up() && inv.silentSince(h, cutoff)) {
                        silent.add(inv.current(h));
                    }
                }
            }
            List<ServerRecord> changed = new ArrayList<>();
            for (HostRecord h : silent) {
                LOG.warn("host {} ({}) is DOWN: no heartbeat since {}", h.name(), h.id(), h.lastHeartbeat());
                metrics.hostMarkedDown();
                inv.putHost(h.withUp(false, now));
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
            evacuator.tickLocked();
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
        CompletableFuture<Void> written;
        String id;
        synchronized (inv.lock) {
            inv.requireStoreHealthy();
            HostRecord h = require(idOrName).withSchedulable(schedulable, schedulable ? "" : reason);
            written = inv.saveHost(h);
            id = h.id();
            LOG.info("host {} is {}schedulable{}", h.name(), schedulable ? "" : "not ",
                    schedulable ? "" : ": " + reason);
        }
        StoreWriter.await(written, "the change is in effect and is written when the store is back");
        return get(id);
    }

    /** For a host the operator knows is dead: moves all its servers at once (see the API). */
    public MoveReport evacuate(String idOrName) {
        MoveReport report;
        CompletableFuture<Void> written;
        String id;
        synchronized (inv.lock) {
            inv.requireStoreHealthy();
            HostRecord h = require(idOrName);
            if (h.up()) {
                throw ControllerException.precondition("host " + h.name() + " is up (its agent heartbeats): "
                        + "evacuate only a host that is dead; drain it to move its servers away while it runs");
            }
            HostRecord marked = h.withEvacuationRequested(true).withSchedulable(false, h.schedulable()
                    ? "evacuated by an operator" : h.unschedulableReason());
            written = inv.saveHost(marked);
            id = h.id();
            LOG.warn("host {} ({}) evacuated by an operator", h.name(), h.id());
            report = evacuator.evacuate(marked, true, true);
        }
        // the moves' writes are queued after the host's: once it is on disk, so are they
        StoreWriter.await(written, "the evacuation is under way and is written when the store is back");
        synchronized (inv.lock) {
            return new MoveReport(view(inv.host(id)), report.moved(), report.left());
        }
    }

    private HostView view(HostRecord listed) {
        HostRecord h = inv.current(listed);
        Resources allocated = inv.allocated(h.id());
        Instant evacuateAt = null;
        if (!h.up() && !h.evacuationRequested()) {
            for (String id : inv.serverIdsOn(h.id())) {
                GroupRecord g = inv.group(inv.server(id).groupId());
                if (g != null && g.evacuates()) {
                    evacuateAt = evacuator.evacuateAt(h);
                    break;
                }
            }
        }
        return new HostView(h, h.toSpec(allocated.diskGib()).allocatable(), allocated, inv.serverIdsOn(h.id()).size(),
                evacuateAt);
    }

    private HostRecord require(String idOrName) {
        HostRecord h = inv.findHost(idOrName);
        if (h == null) {
            throw ControllerException.notFound("id: no host with id or name '" + idOrName + "'");
        }
        return h;
    }
}
