package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.GroupCompliance;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import io.herd.controller.placement.Resources;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The controller's in-memory state: hosts, groups, servers, their histories and idempotency
 * keys, mirrored in the placement engine and the store. It keeps its own invariants: a
 * server's record, its engine claim (and hold), the indexes and the watchers change together,
 * in one method; callers change state only through these methods, each called while holding
 * {@link #lock}, the serialisation point for placement and claims. No method waits for the
 * disk or an agent: writes are queued, and callers wait for them after releasing the lock.
 */
final class Inventory {

    final Object lock = new Object();
    /** When this controller started: hosts loaded from the store get this long to heartbeat. */
    final Instant startedAt;

    private final Claims claims;
    private final StoreWriter writer;
    /** Hosts known at the start that have not heartbeated since (under the lock). */
    private final Set<String> unheard = new HashSet<>();
    private Instant settledBy = Instant.MIN;
    private final Clock clock;
    private final WatchHub watchers = new WatchHub();
    private final Map<String, HostRecord> hosts = new LinkedHashMap<>();
    private final HeartbeatTimes heartbeatTimes = new HeartbeatTimes();
    private final QuietHosts quiet = new QuietHosts();
    /** Host ids by name: the first host holding each name, as a scan of {@link #hosts} finds it. */
    private final Map<String, String> hostIdsByName = new HashMap<>();
    private final Map<String, GroupRecord> groups = new LinkedHashMap<>();
    private final Map<String, GroupRecord> groupsByName = new HashMap<>();
    private final Map<String, ServerRecord> servers = new LinkedHashMap<>();
    private final Map<String, List<HistoryEntry>> history = new HashMap<>();
    private final Map<String, List<String>> requests = new HashMap<>();
    /** Store writes of creates not yet on disk, by request id: a replay waits for them too. */
    private final Map<String, CompletableFuture<Void>> pendingRequests = new HashMap<>();
    private final ServerIndex index = new ServerIndex();
    /** Agent calls in flight per server (launch, delete): never two at once for one server. */
    private final Map<String, String> agentCalls = new HashMap<>();
    /** Counts events that may let a server that found no host find one now. */
    private long capacityGeneration;
    private final StaleReports stale = new StaleReports();
    private final CoreMetrics metrics;
    /** Servers created in this term that have not been ACTIVE yet: the metrics time them to ACTIVE. */
    private final Set<String> neverActive = new HashSet<>();

    Inventory(PlacementEngine engine, Store store, Clock clock, CoreMetrics metrics) {
        this.metrics = metrics;
        this.claims = new Claims(engine, metrics);
        this.writer = new StoreWriter(store, metrics);
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    Instant now() {
        return clock.instant();
    }

    /** A host reported: it counts for placement as any other from now on. */
    void heard(String hostId) {
        unheard.remove(hostId);
    }

    /**
     * Why a placement that found no host may succeed in a moment: hosts known before this
     * controller started (or took over) have not reported to it yet. Null when none are
     * missing, or the time they had to report is over.
     */
    String unsettled() {
        Instant now = now();
        if (unheard.isEmpty() || !now.isBefore(settledBy)) {
            return null;
        }
        return "this controller began leading " + Duration.between(startedAt, now).toMillis() + " ms ago and "
                + unheard.size() + " known host(s) have not reported to it yet: retry in a moment";
    }

    StoreWriter writer() {
        return writer;
    }

    /** Refuses a change while the store is failing (UNAVAILABLE, nothing changed). */
    void requireStoreHealthy() {
        writer.requireHealthy();
    }

    void close() {
        writer.close();
    }

    // ---- loading

    /**
     * Fills memory from what the store loaded and repaired (see {@link StoreLoader}). Every
     * host is DOWN until it reports; for {@code settling} after the start, a placement that
     * finds no host is not final while some of them have not reported yet ({@link #unsettled}).
     */
    void load(StoreLoader.Loaded loaded, Duration settling) {
        loaded.hosts().forEach(h -> unheard.add(h.id()));
        settledBy = startedAt.plus(settling);
        for (HostRecord h : loaded.hosts()) {
            hosts.put(h.id(), h);
            hostIdsByName.putIfAbsent(h.name(), h.id());
        }
        for (GroupRecord g : loaded.groups()) {
            putGroup(g);
        }
        Map<String, Long> heldDisk = new HashMap<>();
        for (ServerRecord s : loaded.servers()) {
            if (s.holdsClaim()) {
                heldDisk.merge(s.hostId(), s.diskGib(), Long::sum);
            }
            if (s.leavingHost()) {
                heldDisk.merge(s.previousHostId(), s.diskGib(), Long::sum);
            }
        }
        for (HostRecord h : hosts.values()) {
            claims.engine().upsertHost(h.toSpec(heldDisk.getOrDefault(h.id(), 0L)));
        }
        for (ServerRecord s : loaded.servers()) {
            putServer(s);
        }
        history.putAll(loaded.history());
        requests.putAll(loaded.requests());
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
        String id = hostIdsByName.get(idOrName);
        return id == null ? null : hosts.get(id);
    }

    Collection<HostRecord> hosts() {
        return hosts.values();
    }

    /** A heartbeat of the host arrived at {@code at}; the host's slot, where a quiet one writes its time. */
    HeartbeatTimes.Slot heardAt(String hostId, Instant at) {
        return heartbeatTimes.heard(hostId, at);
    }

    /** The host's last heartbeat, when it found nothing to do and nothing changed since; callable without the lock. */
    QuietHosts.Quiet quiet(String hostId) {
        return quiet.get(hostId);
    }

    /** The heartbeat just handled found nothing to do, and a repeat of it would find nothing either. */
    void markQuiet(String hostId, QuietHosts.Quiet q) {
        quiet.put(hostId, q);
    }

    /**
     * Without the lock: a heartbeat that repeats the quiet host's last one has its time written,
     * and is handled if the host is still quiet (else the caller handles it whole, under the lock).
     */
    boolean heardQuietly(String hostId, QuietHosts.Quiet q) {
        return quiet.heard(hostId, q, now());
    }

    /** A heartbeat that must be handled whole: its host is quiet no more. */
    void forgetQuiet(String hostId) {
        quiet.forget(hostId);
    }

    /** Whether the host's next heartbeat has none of its servers to look at whatever it reports. */
    boolean nothingToRecheck(String hostId) {
        return index.nothingToRecheck(hostId);
    }

    /** When the host last heartbeated (see {@link HeartbeatTimes}); callable without the lock. */
    Instant lastHeartbeat(HostRecord h) {
        return heartbeatTimes.last(h);
    }

    /**
     * Whether the host's last heartbeat is before {@code cutoff}, even counting a quiet heartbeat
     * that lands while this looks (the host is then quiet no more: see {@link QuietHosts#heard}).
     */
    boolean silentSince(HostRecord h, Instant cutoff) {
        return heartbeatTimes.before(h, cutoff) && quiet.silent(h.id(), () -> heartbeatTimes.before(h, cutoff));
    }

    /** The host's record with its last heartbeat's time: what views and counts show. */
    HostRecord current(HostRecord h) {
        return heartbeatTimes.current(h);
    }

    String hostName(String hostId) {
        HostRecord h = hosts.get(hostId);
        return h == null ? "" : h.name();
    }

    /** Keeps the host in memory and in the engine, not in the store. */
    void putHost(HostRecord host) {
        quiet.forget(host.id());
        HostRecord old = hosts.put(host.id(), host);
        if (old != null && !old.name().equals(host.name()) && host.id().equals(hostIdsByName.get(old.name()))) {
            // a renamed placeholder: its old name goes to the next host holding it, if any
            hostIdsByName.remove(old.name());
            for (HostRecord other : hosts.values()) {
                if (other.name().equals(old.name())) {
                    hostIdsByName.put(old.name(), other.id());
                    break;
                }
            }
        }
        hostIdsByName.putIfAbsent(host.name(), host.id());
        if (old == null || eligible(host) && !eligible(old) || !host.capacity().equals(old.capacity())
                || !host.images().equals(old.images()) || !host.limits().equals(old.limits())) {
            capacityGeneration++;
        }
        claims.engine().upsertHost(host.toSpec(claims.allocated(host.id()).diskGib()));
    }

    /** Keeps the host in memory, in the engine and (a write that must land) in the store. */
    CompletableFuture<Void> saveHost(HostRecord host) {
        putHost(host);
        return writer.submit(new Mutation.UpsertHost(host));
    }

    private static boolean eligible(HostRecord h) {
        return h.up() && !h.degraded() && h.schedulable() && !h.evacuationRequested();
    }

    /** Changes when a host appears, comes back, or grows, or a claim is given back. */
    long capacityGeneration() {
        return capacityGeneration;
    }

    Resources allocated(String hostId) {
        return claims.allocated(hostId);
    }

    Set<String> serverIdsOn(String hostId) {
        return index.onHost(hostId);
    }

    /** Servers whose old domain may still be on the host (they are leaving it). */
    Set<String> serverIdsLeaving(String hostId) {
        return index.leaving(hostId);
    }

    /** See {@link ServerIndex#takeToRecheck}. */
    Set<String> takeServersToRecheck(String hostId) {
        return index.takeToRecheck(hostId);
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

    Set<String> groupIds() {
        return groups.keySet();
    }

    /** Writes a new group once; the caller adds it with {@link #putGroup} when that succeeds. */
    CompletableFuture<Void> storeGroup(GroupRecord g) {
        return writer.attempt(new Mutation.InsertGroup(g));
    }

    void putGroup(GroupRecord g) {
        groups.put(g.id(), g);
        groupsByName.put(g.name(), g);
        claims.engine().upsertGroup(g.toSpec());
    }

    /** Forgets a group that has no members, and queues its removal (a write that must land). */
    CompletableFuture<Void> removeGroup(GroupRecord g) {
        groups.remove(g.id());
        groupsByName.remove(g.name());
        claims.engine().removeGroup(g.id());
        return writer.submit(new Mutation.DeleteGroup(g.id()));
    }

    Set<String> memberIds(String groupId) {
        return index.members(groupId);
    }

    /**
     * Whether the group's hard policy holds, by the engine's own lock: callable without the
     * inventory's. Empty when the group is gone.
     */
    Optional<GroupCompliance> compliance(String groupId) {
        try {
            return Optional.of(claims.engine().compliance(groupId));
        } catch (IllegalArgumentException gone) {
            return Optional.empty();
        }
    }

    GroupView groupView(GroupRecord g) {
        return new GroupView(g, List.copyOf(memberIds(g.id())), claims.engine().compliance(g.id()));
    }

    // ---- servers

    ServerRecord server(String id) {
        return servers.get(id);
    }

    /** How many servers are in each status, by {@link ServerStatus#ordinal()}. */
    int[] serverCountsByStatus() {
        return index.countsByStatus();
    }

    List<ServerRecord> serversWhere(Predicate<ServerRecord> filter) {
        List<ServerRecord> out = new ArrayList<>();
        for (ServerRecord s : servers.values()) {
            if (filter.test(s)) {
                out.add(s);
            }
        }
        return out;
    }

    ServerView view(ServerRecord s) {
        return new ServerView(s, hostName(s.hostId()), List.of());
    }

    ServerView viewWithHistory(ServerRecord s) {
        List<ServerView.Step> steps = new ArrayList<>();
        for (HistoryEntry e : history.getOrDefault(s.id(), List.of())) {
            steps.add(new ServerView.Step(e, hostName(e.fromHostId()), hostName(e.toHostId())));
        }
        return new ServerView(s, hostName(s.hostId()), steps);
    }

    // ---- creates

    List<String> request(String requestId) {
        return requests.get(requestId);
    }

    CompletableFuture<Void> pendingRequest(String requestId) {
        return pendingRequests.get(requestId);
    }

    /** Decides and claims in the engine; the caller records the servers with {@link #claimCreated}. */
    PlacementResult place(PlacementRequest request) {
        return claims.decide(request);
    }

    /**
     * Records servers just placed (their claims are in the engine) and queues their insertion,
     * tried once: the future fails if they are not on disk, and the caller then calls
     * {@link #dropCreated}.
     */
    CompletableFuture<Void> claimCreated(String requestId, List<ServerRecord> created, List<HistoryEntry> placed) {
        for (ServerRecord s : created) {
            putServer(s);
            if (s.status() == ServerStatus.BUILDING) {
                neverActive.add(s.id());
            }
        }
        for (HistoryEntry e : placed) {
            history.computeIfAbsent(e.serverId(), k -> new ArrayList<>()).add(e);
        }
        CompletableFuture<Void> written = writer.attempt(new Mutation.InsertServers(requestId, created, placed));
        if (!requestId.isEmpty()) {
            requests.put(requestId, created.stream().map(ServerRecord::id).toList());
            pendingRequests.put(requestId, written);
        }
        return written;
    }

    /** The creates are on disk: watchers see them, the request id is settled. */
    void publishCreated(String requestId, List<ServerRecord> created) {
        pendingRequests.remove(requestId);
        for (ServerRecord s : created) {
            ServerRecord now = servers.get(s.id());
            if (now != null) {
                watchers.publish(new ServerChange(ServerChange.Kind.CHANGED, view(now)));
            }
        }
    }

    /** The creates never reached the disk: forget them and give their claims back. */
    void dropCreated(String requestId, List<ServerRecord> created) {
        pendingRequests.remove(requestId);
        requests.remove(requestId);
        for (ServerRecord s : created) {
            ServerRecord old = servers.remove(s.id());
            if (old != null) {
                index.remove(old);
                forgetHostsOf(old);
            }
            history.remove(s.id());
            claims.releaseAll(s.id());
            agentCalls.remove(s.id());
            neverActive.remove(s.id());
        }
    }

    // ---- changes

    /**
     * Changes servers in memory and in the engine, tells watchers, and queues the change for
     * the store (one transaction, a write that must land). The future says when it is on disk.
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

    /** Adds steps to servers' histories (a write that must land). */
    CompletableFuture<Void> record(List<HistoryEntry> entries) {
        List<Mutation.Numbered> numbered = new ArrayList<>(entries.size());
        for (HistoryEntry e : entries) {
            List<HistoryEntry> list = history.computeIfAbsent(e.serverId(), k -> new ArrayList<>());
            numbered.add(new Mutation.Numbered(list.size(), e));
            list.add(e);
        }
        return writer.submit(new Mutation.AppendHistory(numbered));
    }

    /**
     * Forgets a server whose agent just confirmed its domain gone ({@link #remove}); a heartbeat
     * read before that, still listing the domain, is then not news (see {@link #removedWithin}).
     */
    CompletableFuture<Void> removeDeleted(ServerRecord s) {
        stale.removed(s.id(), now());
        return remove(s);
    }

    /** Forgets the server, gives back its claim and hold, tells watchers, and queues its removal. */
    CompletableFuture<Void> remove(ServerRecord s) {
        ServerRecord old = servers.remove(s.id());
        if (old != null) {
            index.remove(old);
            forgetHostsOf(old);
        }
        history.remove(s.id());
        claims.releaseAll(s.id());
        neverActive.remove(s.id());
        capacityGeneration++;
        watchers.publish(new ServerChange(ServerChange.Kind.DELETED, view(old == null ? s : old)));
        return writer.submit(new Mutation.DeleteServer(s.id()));
    }

    /**
     * Places servers on other hosts under their groups' rules, all or nothing, without
     * changing their records: the caller commits the moves. Hosts still holding a stale copy
     * of one of them (to be destroyed at their next heartbeat) are avoided too. See
     * {@link Claims#place}.
     */
    Claims.Result placeElsewhere(List<ServerRecord> moving, Set<String> avoid, String onlyHost, boolean holdOld) {
        Set<String> excluded = stale.withHostsHoldingCopies(avoid, moving.stream().map(ServerRecord::id).toList());
        return claims.place(moving, excluded, onlyHost, holdOld);
    }

    /** The stale copies (servers living elsewhere) the host's last heartbeat listed. */
    void noteStaleCopies(String hostId, List<String> serverIds) {
        stale.copies(hostId, serverIds);
    }

    /**
     * Whether the server was forgotten less than {@code within} ago. Forgets older entries
     * (they are kept in removal order, so this stops at the first young one).
     */
    boolean removedWithin(String serverId, java.time.Duration within) {
        return stale.removedSince(serverId, now().minus(within));
    }

    // ---- agent calls in flight

    /** Marks an agent call (launch or delete) for the server; false when one is already in flight. */
    boolean startAgentCall(String serverId, String what) {
        return agentCalls.putIfAbsent(serverId, what) == null;
    }

    void endAgentCall(String serverId) {
        agentCalls.remove(serverId);
    }

    /** "launch", "delete", or null when no agent call is in flight for the server. */
    String agentCall(String serverId) {
        return agentCalls.get(serverId);
    }

    // ---- watchers

    Runnable subscribe(Predicate<ServerView> filter, Consumer<ServerChange> sink) {
        return watchers.subscribe(filter, sink);
    }

    /**
     * What does not hold of the inventory's invariants (empty when all hold): each server's
     * engine claim and hold match its record, the indexes match the records, and each host's
     * allocation is the sum of what its servers claim and hold there. For tests and debugging.
     */
    List<String> violations() {
        List<String> out = new ArrayList<>(claims.violations(servers.values(), hosts.keySet()));
        out.addAll(index.violations(servers));
        for (HostRecord h : hosts.values()) {
            HostRecord named = findHost(h.name());
            if (named == null || !named.name().equals(h.name())) {
                out.add("host " + h.id() + ": its name " + h.name() + " finds "
                        + (named == null ? "no host" : named.id()));
            }
        }
        return out;
    }

    private void putServer(ServerRecord s) {
        ServerRecord old = servers.put(s.id(), s);
        if (old != null) {
            forgetHostsOf(old);
        }
        forgetHostsOf(s);
        if (old != null && (old.holdsClaim() && !old.hostId().equals(s.hostId())
                || old.leavingHost() && !s.leavingHost())) {
            capacityGeneration++;
        }
        index.update(old, s);
        claims.sync(s);
        if (s.status() == ServerStatus.ACTIVE && neverActive.remove(s.id())) {
            metrics.serverActivated(Duration.between(s.createdAt(), now()));
        }
    }

    /** The hosts the server is on or leaves are quiet no more: their next heartbeat is handled whole. */
    private void forgetHostsOf(ServerRecord s) {
        quiet.forget(s.hostId());
        quiet.forget(s.previousHostId());
    }
}
