package io.herd.controller.core;

import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats, for {@link HostManager}: each registers or refreshes its host, brings it UP, and
 * reconciles the host's servers with the domains it lists. A heartbeat from a degraded agent
 * (libvirt unreachable) only says the host is alive: its list of domains means nothing, so no
 * server changes because of it; the host takes no new servers until its agent recovers. Most
 * heartbeats repeat their host's last one: when that one found nothing to do and nothing
 * changed since ({@link QuietHosts}), only their time is written, without the lock.
 */
final class Heartbeats {

    /** Logged as the host manager's, where operators have always found hosts' arrivals and losses. */
    private static final Logger LOG = LoggerFactory.getLogger(HostManager.class);

    private final Inventory inv;
    private final CoreSettings settings;
    /** The answer to a heartbeat that finds nothing to do. */
    private final HostReport.Ack quietAck;
    private final Launcher launcher;
    private final Deleter deleter;
    private final AgentPort agents;
    /**
     * Per host: consecutive heartbeats of it that did not list a server's domain (under the
     * lock). Kept per host so that a heartbeat rechecks its own host's misses only.
     */
    private final Map<String, Map<String, Integer>> missingCounts = new HashMap<>();
    /** Per host: the herd domains its last usable heartbeat listed, by server id (under the lock). */
    private final Map<String, Map<String, HostReport.ReportedDomain>> lastReported = new HashMap<>();

    Heartbeats(Inventory inv, CoreSettings settings, Launcher launcher, Deleter deleter, AgentPort agents) {
        this.inv = inv;
        this.settings = settings;
        this.quietAck = ack(List.of(), List.of());
        this.launcher = launcher;
        this.deleter = deleter;
        this.agents = agents;
    }

    /**
     * A heartbeat that repeats its quiet host's last one, handled without the lock and without
     * waiting: its time is written and its answer returned. Null for any other heartbeat, which
     * {@link #heartbeat} handles.
     */
    HostReport.Ack quiet(HostReport r) {
        // when nothing changed at the host or in the controller since, handled whole it would find nothing to do
        QuietHosts.Quiet quiet = inv.quiet(r.hostId());
        return quiet != null && repeats(r, quiet) && inv.heardQuietly(r.hostId(), quiet) ? quietAck : null;
    }

    /** Registers or refreshes the host, brings it UP, and reconciles its servers with its domains. */
    HostReport.Ack heartbeat(HostReport r) {
        // most heartbeats repeat the last one
        HostReport.Ack quiet = quiet(r);
        if (quiet != null) {
            return quiet;
        }
        List<String> relaunch = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> destroy = new ArrayList<>();
        String dial = null;
        synchronized (inv.lock) {
            HostRecord old = inv.host(r.hostId());
            boolean approved = admit(r, old);
            // handled whole from here: the host is quiet again only if this one finds nothing to do
            inv.forgetQuiet(r.hostId());
            inv.heard(r.hostId());
            Instant now = inv.now();
            boolean returning = old == null || !old.up();
            if (r.degraded()) {
                degraded(r, old, now, approved);
                return ack(old == null ? List.of() : old.unknownServerIds(), List.of());
            }
            Map<String, HostReport.ReportedDomain> reported = new HashMap<>();
            // herd domains the controller does not know, and copies of servers that live elsewhere,
            // hold no claim, yet use the host like a foreign domain does: placement must count them
            Resources unmanaged = r.foreignUsage();
            for (HostReport.ReportedDomain d : r.domains()) {
                ServerRecord s = inv.server(d.serverId());
                if (s != null && s.hostId().equals(r.hostId())) {
                    reported.put(s.id(), d);
                } else if (s != null && s.previousHostId().equals(r.hostId())) {
                    continue; // its old domain, held and being removed by the launcher or the deleter
                } else if (s != null) {
                    destroy.add(d.serverId());
                    unmanaged = unmanaged.plus(d.resources());
                } else {
                    unmanaged = unmanaged.plus(d.resources());
                    // a heartbeat read just before a delete removed the domain is no news
                    if (!inv.removedWithin(d.serverId(), settings.heartbeatInterval().multipliedBy(2))) {
                        unknown.add(d.serverId());
                    }
                }
            }
            HostRecord host = reportedRecord(r, old, unmanaged, unknown, now, approved);
            // a heartbeat that changes nothing (the usual one) leaves the old record in place
            if (old == null || !host.equals(old.withLastHeartbeat(now))) {
                save(host, old);
            }
            HeartbeatTimes.Slot heard = inv.heardAt(host.id(), now);
            logArrival(host, old, returning);
            if (returning || !old.agentAddress().equals(host.agentAddress())) {
                dial = host.agentAddress();
            }
            if (!unknown.isEmpty() && (old == null || !old.unknownServerIds().equals(unknown))) {
                LOG.warn("host {} runs herd domains the controller does not know (left alone): {}", host.name(),
                        unknown.size() > 20 ? unknown.subList(0, 20) + " and " + (unknown.size() - 20) + " more"
                                : unknown);
            }
            inv.noteStaleCopies(host.id(), destroy);
            if (!destroy.isEmpty()) {
                LOG.warn("host {} runs copies of {} server(s) that now live on other hosts: destroying them: {}",
                        host.name(), destroy.size(), destroy.size() > 20 ? destroy.subList(0, 20) + " and "
                                + (destroy.size() - 20) + " more" : destroy);
            }
            relaunchFenced(host, r.fencedServerIds(), reported);
            if (returning) {
                resumeWork(host.id());
            }
            List<ServerRecord> placed = serversToReconcile(host, returning, reported);
            Map<String, Integer> counted = missingCounts.get(host.id());
            Map<String, Integer> misses = counted == null ? new HashMap<>() : counted;
            Reconciler.Outcome outcome = Reconciler.reconcile(host.name(), placed, reported,
                    id -> inv.agentCall(id) != null, misses, now);
            if (misses.isEmpty() && counted != null) {
                missingCounts.remove(host.id());
            } else if (!misses.isEmpty() && counted == null) {
                missingCounts.put(host.id(), misses);
            }
            for (String id : outcome.vanished()) {
                LOG.warn("server {}: its domain vanished from host {}", id, host.name());
            }
            inv.commit(outcome.changed());
            for (String id : outcome.relaunch()) {
                if (inv.startAgentCall(id, "launch")) {
                    relaunch.add(id);
                }
            }
            if (!returning && dial == null && unknown.isEmpty() && destroy.isEmpty() && r.fencedServerIds().isEmpty()
                    && reported.size() == r.domains().size() && outcome.changed().isEmpty()
                    && outcome.relaunch().isEmpty() && !missingCounts.containsKey(host.id())
                    && inv.nothingToRecheck(host.id())) {
                // every domain it lists is a server of this host, as it was: the same report again finds nothing
                inv.markQuiet(host.id(), new QuietHosts.Quiet(inv.host(host.id()), remembered(host.id(), r), heard));
            }
        }
        if (dial != null) {
            // a host that registered, came back or moved: its first launch need not wait for the connection
            agents.connect(dial);
        }
        for (String id : relaunch) {
            LOG.info("server {} is BUILDING and its domain is not on its host: launching it (again)", id);
            launcher.queueMarked(id);
        }
        return ack(unknown, destroy);
    }

    /**
     * The host's record as the heartbeat reports it. What did not change is kept as it was, so
     * that a heartbeat's copies die young: the collector copies whatever lives until the next
     * one, at every host, every interval.
     */
    private static HostRecord reportedRecord(HostReport r, HostRecord old, Resources unmanaged, List<String> unknown,
                                             Instant now, boolean approved) {
        return new HostRecord(r.hostId(), kept(old, HostRecord::name, r.hostName()),
                kept(old, HostRecord::rack, r.rack()), kept(old, HostRecord::zone, r.zone()),
                kept(old, HostRecord::agentAddress, r.agentAddress()),
                kept(old, HostRecord::capacity, r.capacity()),
                kept(old, HostRecord::usage, r.usage()), kept(old, HostRecord::foreignUsage, unmanaged),
                r.acceleration(), kept(old, HostRecord::agentVersion, r.agentVersion()),
                old == null || old.schedulable(), old == null ? "" : old.unschedulableReason(), true, false, "",
                now, unknown.isEmpty() ? List.of() : unknown, kept(old, HostRecord::limits, r.limits()),
                kept(old, HostRecord::images, r.images()), false, Instant.EPOCH, approved);
    }

    /**
     * Whether the heartbeat reports what the quiet host's last one did: the same domains in the
     * same order, and the same record (a heartbeat of a quiet host lists no domain it does not
     * know, so what the record counts as foreign is what the agent does).
     */
    private static boolean repeats(HostReport r, QuietHosts.Quiet quiet) {
        HostRecord old = quiet.record();
        return !r.degraded() && r.fencedServerIds().isEmpty() && quiet.domains().equals(r.domains())
                && reportedRecord(r, old, r.foreignUsage(), List.of(), old.lastHeartbeat(), old.approved()).equals(old);
    }

    /** The heartbeat's domains, in its order, as kept for the next one to compare with. */
    private List<HostReport.ReportedDomain> remembered(String hostId, HostReport r) {
        Map<String, HostReport.ReportedDomain> kept = lastReported.get(hostId);
        List<HostReport.ReportedDomain> out = new ArrayList<>(r.domains().size());
        for (HostReport.ReportedDomain d : r.domains()) {
            out.add(kept.get(d.serverId()));
        }
        return List.copyOf(out);
    }

    /** The old host's value when the heartbeat reports an equal one, else the reported one. */
    private static <T> T kept(HostRecord old, Function<HostRecord, T> field, T reported) {
        if (old == null) {
            return reported;
        }
        T before = field.apply(old);
        return before.equals(reported) ? before : reported;
    }

    /**
     * Whether the heartbeat may register or refresh its host, and whether the host is approved.
     * A host keeps the name it registered with, and a name belongs to one host id: a heartbeat
     * naming another host's id, or a taken name under a new id, changes nothing.
     */
    private boolean admit(HostReport r, HostRecord old) {
        if (old != null) {
            boolean placeholder = old.agentAddress().isEmpty() && old.name().equals(old.id());
            if (!placeholder && !old.name().equals(r.hostName())) {
                throw ControllerException.denied("host id " + r.hostId() + " belongs to host '" + old.name()
                        + "', not '" + r.hostName() + "': a host keeps the name it registered with");
            }
            return old.approved();
        }
        HostRecord sameName = inv.findHost(r.hostName());
        if (sameName != null && sameName.name().equals(r.hostName())) {
            throw new ControllerException(ControllerException.Kind.ALREADY_EXISTS, "host name '" + r.hostName()
                    + "' is registered with host id " + sameName.id() + ", not " + r.hostId()
                    + " (was this agent's state directory reset? its host-id file must hold " + sameName.id() + ")");
        }
        if (inv.hosts().size() >= settings.maxHosts()) {
            throw ControllerException.exhausted("the controller holds its limit of " + settings.maxHosts()
                    + " hosts (limits.max_hosts): host '" + r.hostName() + "' is not registered");
        }
        if (settings.requireApproval()) {
            LOG.warn("host {} ({}, {}) registered and awaits approval: herdctl host approve {}", r.hostName(),
                    r.hostId(), r.agentAddress(), r.hostName());
        }
        return !settings.requireApproval();
    }

    private HostReport.Ack ack(List<String> unknown, List<String> destroy) {
        return new HostReport.Ack(settings.heartbeatInterval().toMillis(), List.copyOf(unknown),
                settings.fenceAfter().toMillis(), List.copyOf(destroy));
    }

    /** A degraded heartbeat: the host is alive, nothing else it says about its domains is used. */
    private void degraded(HostReport r, HostRecord old, Instant now, boolean approved) {
        HostRecord host = old == null
                ? new HostRecord(r.hostId(), r.hostName(), r.rack(), r.zone(), r.agentAddress(), r.capacity(),
                        r.usage(), r.foreignUsage(), r.acceleration(), r.agentVersion(), true, "", true, true,
                        r.degradedReason(), now, List.of(), r.limits(), List.of(), false, Instant.EPOCH, approved)
                : new HostRecord(old.id(), r.hostName(), r.rack(), r.zone(), r.agentAddress(), old.capacity(),
                        old.usage(), old.foreignUsage(), old.acceleration(), r.agentVersion(), old.schedulable(),
                        old.unschedulableReason(), true, true, r.degradedReason(), now, old.unknownServerIds(),
                        old.limits(), old.images(), false, Instant.EPOCH, approved);
        save(host, old);
        if (old == null || !old.degraded()) {
            LOG.warn("host {} ({}) is degraded: {}; it takes no new servers, and its servers stay as they are until "
                    + "its agent reaches libvirt again", host.name(), host.id(), r.degradedReason());
        }
        logArrival(host, old, old == null || !old.up());
    }

    private void save(HostRecord host, HostRecord old) {
        if (host.storedFieldsDiffer(old)) {
            inv.saveHost(host);
        } else {
            inv.putHost(host);
        }
    }

    private void logArrival(HostRecord host, HostRecord old, boolean returning) {
        if (old == null) {
            LOG.info("host {} ({}) registered from {}, rack '{}', zone '{}'", host.name(), host.id(),
                    host.agentAddress(), host.rack(), host.zone());
        } else if (returning) {
            LOG.info("host {} ({}) is UP{}", host.name(), host.id(), old.evacuationRequested()
                    ? " again after it was evacuated: its copies of moved servers are destroyed" : "");
        } else if (old.degraded() && !host.degraded()) {
            LOG.info("host {} ({}) is no longer degraded", host.name(), host.id());
        }
    }

    /**
     * Servers whose domains the agent destroyed while cut off (self-fencing) and that still
     * live on this host are launched again here.
     */
    private void relaunchFenced(HostRecord host, List<String> fenced, Map<String, HostReport.ReportedDomain> reported) {
        for (String id : fenced) {
            ServerRecord s = inv.server(id);
            if (s == null || !s.hostId().equals(host.id()) || reported.containsKey(id)
                    || s.status() == ServerStatus.DELETING || s.status() == ServerStatus.BUILDING
                    || !inv.startAgentCall(id, "launch")) {
                continue;
            }
            String why = "its agent destroyed the domain while cut off from the controller (fencing)";
            LOG.warn("server {} on host {}: {}; launching it again there", id, host.name(), why);
            CompletableFuture<Void> written = CompletableFuture.allOf(
                    inv.commit(s.withStatus(ServerStatus.BUILDING, why + "; launching it again", inv.now())),
                    inv.record(List.of(new HistoryEntry(id, inv.now(), HistoryEntry.Event.FENCED, host.id(), "",
                            why))));
            launcher.queueWhenWritten(written, List.of(id));
        }
    }

    /** A host is back: deletes and moves that waited for it go on. */
    private void resumeWork(String hostId) {
        for (String id : List.copyOf(inv.serverIdsOn(hostId))) {
            if (inv.server(id).status() == ServerStatus.DELETING) {
                deleter.startLocked(id);
            }
        }
        for (String id : List.copyOf(inv.serverIdsLeaving(hostId))) {
            ServerRecord s = inv.server(id);
            if (s.status() == ServerStatus.DELETING) {
                deleter.startLocked(id);
            } else if (s.status() == ServerStatus.BUILDING && inv.startAgentCall(id, "launch")) {
                launcher.queueWhenWritten(CompletableFuture.completedFuture(null), List.of(id));
            }
        }
    }

    /**
     * The servers of the host this heartbeat may change: all of them on the host's first
     * heartbeat since the controller started or since it was DOWN; otherwise only those whose
     * domain the report lists differently from the previous heartbeat (new, changed or gone),
     * those not ACTIVE, those whose record changed since, and those counting misses. A server
     * outside these is ACTIVE with its domain reported running, as before: nothing to do.
     */
    private List<ServerRecord> serversToReconcile(HostRecord host, boolean returning,
                                                  Map<String, HostReport.ReportedDomain> reported) {
        Map<String, HostReport.ReportedDomain> previous = lastReported.get(host.id());
        Set<String> recheck = inv.takeServersToRecheck(host.id());
        Map<String, Integer> misses = missingCounts.getOrDefault(host.id(), Map.of());
        Collection<String> ids;
        if (previous == null || returning) {
            ids = inv.serverIdsOn(host.id());
        } else {
            recheck.addAll(misses.keySet());
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
            } else if (misses.containsKey(id)) {
                // deleted, or moved to another host: its misses here count no more
                misses.remove(id);
            }
        }
        remember(host.id(), previous, reported);
        return out;
    }

    /**
     * Keeps what the heartbeat listed for the next one to compare with. The host's map is
     * changed in place, entry by entry: a launch or a delete then leaves one entry behind, not
     * a whole map (every domain of the host) that lives until the host's next change, long
     * enough for the collector to copy it into the old generation, where it dies.
     */
    private void remember(String hostId, Map<String, HostReport.ReportedDomain> previous,
                          Map<String, HostReport.ReportedDomain> reported) {
        if (previous == null) {
            previous = new HashMap<>();
            lastReported.put(hostId, previous);
        } else if (previous.equals(reported)) {
            return;
        }
        previous.keySet().retainAll(reported.keySet());
        for (Map.Entry<String, HostReport.ReportedDomain> e : reported.entrySet()) {
            HostReport.ReportedDomain d = e.getValue();
            if (!d.equals(previous.get(e.getKey()))) {
                // the server's own id and one copy of each state name, not the heartbeat's copies
                previous.put(e.getKey(), new HostReport.ReportedDomain(e.getKey(), d.running(),
                        d.libvirtState().intern(), d.resources(), d.starting()));
            }
        }
    }
}
