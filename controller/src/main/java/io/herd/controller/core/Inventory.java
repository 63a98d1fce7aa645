package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Allocation;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's in-memory state: hosts, groups, servers and idempotency keys, mirrored
 * in the placement engine and the store. Every read-modify-write happens while holding
 * {@link #lock}; that lock is the serialisation point for placement and claims, and a
 * change reaches memory only after the store has it on disk.
 */
final class Inventory {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);

    final Object lock = new Object();
    final PlacementEngine engine;
    final Store store;
    /** Every write after the start goes through here, in the order of the changes in memory. */
    final StoreWriter writer;
    final Clock clock;
    final WatchHub watchers = new WatchHub();
    /** When this controller started: hosts loaded from the store get this long to heartbeat. */
    final Instant startedAt;

    private final Map<String, HostRecord> hosts = new LinkedHashMap<>();
    private final Map<String, GroupRecord> groups = new LinkedHashMap<>();
    private final Map<String, GroupRecord> groupsByName = new HashMap<>();
    private final Map<String, ServerRecord> servers = new LinkedHashMap<>();
    private final Map<String, Set<String>> membersByGroup = new HashMap<>();
    private final Map<String, Set<String>> serversByHost = new HashMap<>();
    private final Map<String, List<String>> requests = new HashMap<>();
    /** Store writes of creates not yet on disk, by request id: a replay waits for them too. */
    final Map<String, CompletableFuture<Void>> pendingRequests = new HashMap<>();
    /** Servers whose launch is queued or in flight (never relaunched from a heartbeat meanwhile). */
    final Set<String> launching = new HashSet<>();
    /** Consecutive heartbeats of its host that did not list a server's domain. */
    final Map<String, Integer> missingCounts = new HashMap<>();
    /** Per host: the herd domains its last heartbeat listed, by server id. */
    final Map<String, Map<String, HostReport.ReportedDomain>> lastReported = new HashMap<>();
    /** Per host: its servers that are not ACTIVE (every heartbeat looks at them). */
    private final Map<String, Set<String>> unsettledByHost = new HashMap<>();
    /** Per host: its servers whose record changed since its last heartbeat was reconciled. */
    private final Map<String, Set<String>> changedByHost = new HashMap<>();

    Inventory(PlacementEngine engine, Store store, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.writer = new StoreWriter(store);
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Rebuilds memory and the engine from the store: hosts come back DOWN until they heartbeat. */
    void load() {
        synchronized (lock) {
            for (HostRecord h : store.loadHosts()) {
                hosts.put(h.id(), h.withUp(false));
            }
            for (GroupRecord g : store.loadGroups()) {
                putGroup(g);
            }
            List<ServerRecord> loaded = store.loadServers();
            Map<String, Long> heldDisk = new HashMap<>();
            for (ServerRecord s : loaded) {
                if (s.holdsClaim()) {
                    heldDisk.merge(s.hostId(), s.diskGib(), Long::sum);
                }
            }
            for (HostRecord h : hosts.values()) {
                engine.upsertHost(h.toSpec(heldDisk.getOrDefault(h.id(), 0L)));
            }
            for (ServerRecord s : loaded) {
                putServer(s);
                if (s.holdsClaim()) {
                    engine.restore(new Allocation(s.id(), s.hostId(), s.groupId().isEmpty() ? null : s.groupId(),
                            s.flavor()));
                }
            }
            requests.putAll(store.loadRequests());
            LOG.info("loaded {} hosts, {} server groups, {} servers and {} request ids from the store",
                    hosts.size(), groups.size(), servers.size(), requests.size());
        }
    }

    Instant now() {
        return clock.instant();
    }

    // ---- hosts

    HostRecord host(String id) {
        return hosts.get(id);
    }

    /** By id, else by name. */
    HostRecord findHost(String idOrName) {
        HostRecord h = hosts.get(idOrName);
        if (h != null) {
            return h;
        }
        for (HostRecord candidate : hosts.values()) {
            if (candidate.name().equals(idOrName)) {
                return candidate;
            }
        }
        return null;
    }

    Collection<HostRecord> hosts() {
        return hosts.values();
    }

    String hostName(String hostId) {
        HostRecord h = hosts.get(hostId);
        return h == null ? "" : h.name();
    }

    /** Keeps the host in memory and in the engine (not in the store: the caller decides). */
    void putHost(HostRecord host) {
        hosts.put(host.id(), host);
        engine.upsertHost(host.toSpec(engine.allocated(host.id()).diskGib()));
    }

    Set<String> serverIdsOn(String hostId) {
        return serversByHost.getOrDefault(hostId, Set.of());
    }

    /**
     * The host's servers a heartbeat must look at whatever it reports: those not ACTIVE and
     * those whose record changed since the last call for this host (which this call clears).
     */
    Set<String> takeServersToRecheck(String hostId) {
        Set<String> out = new LinkedHashSet<>(unsettledByHost.getOrDefault(hostId, Set.of()));
        Set<String> changed = changedByHost.remove(hostId);
        if (changed != null) {
            out.addAll(changed);
        }
        return out;
    }

    // ---- groups

    GroupRecord group(String id) {
        return groups.get(id);
    }

    /** By id, else by name. */
    GroupRecord findGroup(String idOrName) {
        GroupRecord g = groups.get(idOrName);
        return g != null ? g : groupsByName.get(idOrName);
    }

    Collection<GroupRecord> groups() {
        return groups.values();
    }

    void putGroup(GroupRecord g) {
        groups.put(g.id(), g);
        groupsByName.put(g.name(), g);
        engine.upsertGroup(g.toSpec());
    }

    void removeGroup(GroupRecord g) {
        groups.remove(g.id());
        groupsByName.remove(g.name());
        membersByGroup.remove(g.id());
        engine.removeGroup(g.id());
    }

    Set<String> memberIds(String groupId) {
        return membersByGroup.getOrDefault(groupId, Set.of());
    }

    GroupView groupView(GroupRecord g) {
        return new GroupView(g, List.copyOf(memberIds(g.id())), engine.compliance(g.id()));
    }

    // ---- servers

    ServerRecord server(String id) {
        return servers.get(id);
    }

    Collection<ServerRecord> servers() {
        return servers.values();
    }

    ServerView view(ServerRecord s) {
        return new ServerView(s, hostName(s.hostId()));
    }

    List<String> request(String requestId) {
        return requests.get(requestId);
    }

    /** Records servers the store already has (a create), with their request id. */
    void addCreated(String requestId, List<ServerRecord> created) {
        for (ServerRecord s : created) {
            putServer(s);
            watchers.publish(new ServerChange(ServerChange.Kind.CHANGED, view(s)));
        }
        if (!requestId.isEmpty()) {
            requests.put(requestId, created.stream().map(ServerRecord::id).toList());
        }
    }

    /**
     * Changes servers in memory, tells watchers, and queues the change for the store (in one
     * transaction). The future says when it is on disk.
     */
    CompletableFuture<Void> commit(List<ServerRecord> changed) {
        if (changed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        for (ServerRecord s : changed) {
            putServer(s);
            watchers.publish(new ServerChange(ServerChange.Kind.CHANGED, view(s)));
        }
        return writer.submit(new Mutation.UpdateServers(changed));
    }

    CompletableFuture<Void> commit(ServerRecord changed) {
        return commit(List.of(changed));
    }

    /** Forgets the server, releases its claim, tells watchers, and queues its deletion for the store. */
    CompletableFuture<Void> remove(ServerRecord s) {
        forget(s);
        return writer.submit(new Mutation.DeleteServer(s.id()));
    }

    /** Forgets the server in memory only (its creation never reached the disk). */
    void forget(ServerRecord s) {
        engine.release(s.id());
        ServerRecord old = servers.remove(s.id());
        if (old != null) {
            unindex(old);
        }
        missingCounts.remove(s.id());
        launching.remove(s.id());
        watchers.publish(new ServerChange(ServerChange.Kind.DELETED, new ServerView(s, hostName(s.hostId()))));
    }

    void forgetRequest(String requestId) {
        requests.remove(requestId);
    }

    List<ServerRecord> serversWhere(java.util.function.Predicate<ServerRecord> filter) {
        List<ServerRecord> out = new ArrayList<>();
        for (ServerRecord s : servers.values()) {
            if (filter.test(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private void putServer(ServerRecord s) {
        ServerRecord old = servers.put(s.id(), s);
        if (old != null) {
            unindex(old);
        }
        if (!s.groupId().isEmpty()) {
            membersByGroup.computeIfAbsent(s.groupId(), k -> new LinkedHashSet<>()).add(s.id());
        }
        if (s.holdsClaim()) {
            serversByHost.computeIfAbsent(s.hostId(), k -> new LinkedHashSet<>()).add(s.id());
            changedByHost.computeIfAbsent(s.hostId(), k -> new LinkedHashSet<>()).add(s.id());
            if (s.status() != ServerStatus.ACTIVE) {
                unsettledByHost.computeIfAbsent(s.hostId(), k -> new LinkedHashSet<>()).add(s.id());
            }
        }
    }

    private void unindex(ServerRecord s) {
        Set<String> members = membersByGroup.get(s.groupId());
        if (members != null) {
            members.remove(s.id());
        }
        Set<String> onHost = serversByHost.get(s.hostId());
        if (onHost != null) {
            onHost.remove(s.id());
        }
        Set<String> unsettled = unsettledByHost.get(s.hostId());
        if (unsettled != null) {
            unsettled.remove(s.id());
        }
        Set<String> changed = changedByHost.get(s.hostId());
        if (changed != null) {
            changed.remove(s.id());
        }
    }
}
