package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Allocation;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Servers: create (place + claim + launch), look up, list, delete, watch. */
public final class ServerManager {

    private static final Logger LOG = LoggerFactory.getLogger(ServerManager.class);
    /** How a refused placement's servers' message begins (the compute API's fault, as Nova words it). */
    public static final String NO_VALID_HOST = "No valid host was found. ";

    private final Inventory inv;
    private final CoreSettings settings;
    private final Deleter deleter;
    private final CreatePublisher publisher;

    ServerManager(Inventory inv, CoreSettings settings, Launcher launcher, Deleter deleter) {
        this.inv = inv;
        this.settings = settings;
        this.deleter = deleter;
        this.publisher = new CreatePublisher(inv, launcher);
    }

    /** The servers created, or the ones a repeated request id created before. */
    public record Created(List<ServerView> servers, boolean replayed) {
    }

    /** A deleted server as it was last, and whether it is gone (else its delete goes on). */
    public record Deletion(ServerView server, boolean deleted) {
    }

    /**
     * Places and claims every server under the inventory lock, writes the claim to the store
     * before any agent is called, then hands the launches to the launcher. A claim that
     * cannot be written is given back: nothing is created.
     */
    public Created create(CreateServers req) {
        return join(createAsync(req));
    }

    /**
     * {@link #create}, answered once the claim is on disk: the caller's thread does not wait for
     * the store. A refusal (bad group, quota, no valid host) fails the call itself.
     */
    public CompletableFuture<Created> createAsync(CreateServers req) {
        return create(req, req.count(), false);
    }

    /**
     * The compute API's create: as many servers as the hosts take between {@code minCount} and
     * {@code req.count()}, all-or-nothing for the number chosen. When not even {@code minCount}
     * can be placed, {@code req.count()} servers are recorded in ERROR, holding no host, their
     * message saying why ("No valid host was found. …"): the compute API answers a refused boot
     * with servers in ERROR, which the caller then deletes. Quotas and an unsettled inventory
     * still refuse the call, creating nothing.
     */
    public Created createOrRecordRefusal(CreateServers req, int minCount) {
        return join(create(req, Math.max(1, Math.min(minCount, req.count())), true));
    }

    /** Stops finishing creates on a thread of their own; see {@link CreatePublisher#close}. */
    void close() {
        publisher.close();
    }

    private static Created join(CompletableFuture<Created> created) {
        try {
            return created.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private CompletableFuture<Created> create(CreateServers req, int minCount, boolean recordRefusal) {
        List<ServerRecord> created;
        CompletableFuture<Void> written;
        // made before the lock: a random id reads the system's random source, which has a lock of its own
        List<String> ids = newIds(req.count());
        synchronized (inv.lock) {
            if (!req.requestId().isEmpty() && inv.request(req.requestId()) != null) {
                written = inv.pendingRequest(req.requestId());
                created = null;
            } else {
                inv.requireStoreHealthy();
                created = claim(req, ids, minCount, recordRefusal);
                Instant now = inv.now();
                List<HistoryEntry> placed = created.stream().filter(ServerRecord::holdsClaim)
                        .map(s -> new HistoryEntry(s.id(), now, HistoryEntry.Event.PLACED, "", s.hostId(),
                                "placed when created")).toList();
                // no heartbeat may launch them before their claim is on disk
                created.stream().filter(ServerRecord::holdsClaim).forEach(s -> inv.startAgentCall(s.id(), "launch"));
                written = inv.claimCreated(req.requestId(), created, placed);
            }
        }
        if (created == null) {
            // rare: a repeat waits on its caller's thread
            return CompletableFuture.completedFuture(replay(req.requestId(), written));
        }
        return publisher.whenWritten(req.requestId(), created, written);
    }

    /** A repeat: answers once the first request's servers are on disk. */
    private Created replay(String requestId, CompletableFuture<Void> firstWrite) {
        if (firstWrite != null) {
            StoreWriter.await(firstWrite, "retry");
        }
        synchronized (inv.lock) {
            List<String> seen = inv.request(requestId);
            if (seen == null) {
                throw ControllerException.unavailable("the first request with this request_id failed; retry");
            }
            return new Created(seen.stream().map(inv::server).filter(Objects::nonNull).map(inv::view).toList(),
                    true);
        }
    }

    /**
     * Under the lock: quota, placement and claim; the new servers (BUILDING), not yet recorded.
     * With {@code minCount} below the count, the most servers that can be placed, down to it;
     * with {@code recordRefusal}, servers in ERROR holding no host when none can be.
     */
    private List<ServerRecord> claim(CreateServers req, List<String> ids, int minCount, boolean recordRefusal) {
        GroupRecord group = null;
        if (!req.groupRef().isEmpty()) {
            group = inv.findGroup(req.groupRef());
            if (group == null) {
                throw ControllerException.notFound("group_id: no server group with id or name '"
                        + req.groupRef() + "'");
            }
            int members = inv.memberIds(group.id()).size();
            if (settings.maxMembersPerGroup() > 0 && members + req.count() > settings.maxMembersPerGroup()) {
                throw ControllerException.exhausted("quota: server group '" + group.name() + "' has " + members
                        + " member(s); " + req.count() + " more would pass the most allowed, "
                        + settings.maxMembersPerGroup() + " (quotas.max_members_per_group)");
            }
        }
        String groupId = group == null ? null : group.id();
        PlacementResult result = place(req, ids, req.count(), groupId);
        if (result instanceof PlacementResult.NoValidHost none) {
            // hosts that have not reported since this controller started might take them all
            String unsettled = inv.unsettled();
            if (unsettled != null) {
                throw ControllerException.unavailable(none.explanation() + "; but " + unsettled);
            }
        }
        // the largest count, from the most to the fewest asked for, that finds hosts
        for (int count = req.count() - 1; result instanceof PlacementResult.NoValidHost && count >= minCount;
             count--) {
            result = place(req, ids, count, groupId);
        }
        Instant now = inv.now();
        if (result instanceof PlacementResult.NoValidHost none) {
            String why = none.explanation();
            if (!recordRefusal) {
                throw ControllerException.exhausted(why);
            }
            List<ServerRecord> failed = new ArrayList<>(req.count());
            for (int i = 1; i <= req.count(); i++) {
                failed.add(new ServerRecord(ids.get(i - 1), req.nameOf(i), group == null ? ""
                        : group.id(), "", ServerStatus.ERROR, NO_VALID_HOST + why, req.vcpus(), req.memoryMib(),
                        req.diskGib(), req.image(), req.network(), req.requestId(), now, now, "", req.flavor(),
                        req.metadata()));
            }
            LOG.info("recorded {} server(s) '{}' in ERROR: no valid host: {}", failed.size(), req.name(), why);
            return failed;
        }
        List<Allocation> allocations = ((PlacementResult.Placed) result).allocations();
        CreateServers placed = req.withCount(allocations.size());
        List<ServerRecord> created = new ArrayList<>(allocations.size());
        for (int i = 0; i < allocations.size(); i++) {
            Allocation a = allocations.get(i);
            created.add(new ServerRecord(a.serverId(), placed.nameOf(i + 1), group == null ? "" : group.id(),
                    a.hostId(), ServerStatus.BUILDING, "", req.vcpus(), req.memoryMib(), req.diskGib(),
                    req.image(), req.network(), req.requestId(), now, now, "", req.flavor(), req.metadata()));
        }
        return created;
    }

    /** Decides and claims {@code count} new servers in the engine, with the first {@code count} ids. */
    private PlacementResult place(CreateServers req, List<String> ids, int count, String groupId) {
        return inv.place(new PlacementRequest(ids.subList(0, count), req.resources(), groupId, Set.of(), req.image(),
                null));
    }

    private static List<String> newIds(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }

    /** One server by id, with its history. */
    public ServerView get(String id) {
        synchronized (inv.lock) {
            return inv.viewWithHistory(require(id));
        }
    }

    /**
     * @param groupRef group id or name, empty: any
     * @param hostRef  host id or name, empty: any
     * @param status   null: any
     */
    public List<ServerView> list(String groupRef, String hostRef, ServerStatus status) {
        synchronized (inv.lock) {
            Predicate<ServerRecord> filter = filter(groupRef, hostRef, status);
            return inv.serversWhere(filter).stream().map(inv::view).toList();
        }
    }

    /**
     * Deletes a server: without {@code force} through its agent ({@link #delete(String)}); with
     * {@code force} only in the controller ({@link #forceDelete(String)}).
     */
    public Deletion delete(String id, boolean force) {
        return force ? new Deletion(forceDelete(id), true) : delete(id);
    }

    /**
     * Forgets a server whose host is down or unknown without calling its agent, in any state:
     * capacity and membership are released at once and watchers see it gone; the caller is
     * answered once the removal is on disk. A launch still in flight that lands finds no
     * server and has its domain removed; a domain left on the host is reported as unknown when
     * the host returns, never deleted.
     */
    public ServerView forceDelete(String id) {
        ServerView gone;
        CompletableFuture<Void> removed;
        synchronized (inv.lock) {
            ServerRecord s = require(id);
            HostRecord host = s.hostId().isEmpty() ? null : inv.host(s.hostId());
            if (host != null && host.up()) {
                throw ControllerException.precondition("force: server " + id + " is on host " + host.name()
                        + ", which is up; delete it without force (force is only for a server whose host is down "
                        + "or unknown)");
            }
            inv.requireStoreHealthy();
            gone = inv.view(s);
            removed = inv.remove(s);
            LOG.warn("force-deleted server {} ({}) in state {} without reaching its host {}: capacity and "
                            + "membership released; a domain left there is reported as unknown, remove it with virsh",
                    s.name(), id, s.status(), host == null ? (s.hostId().isEmpty() ? "(none)" : s.hostId())
                            : host.name());
        }
        StoreWriter.await(removed, "the server is forgotten; its removal is written when the store is back");
        return gone;
    }

    /**
     * Deletes a server in any state: DELETING on disk first, then one attempt to remove its
     * domain through its agent in this call; whatever remains (a launch to let land, an
     * unreachable agent, a DOWN host) goes on in the background.
     */
    public Deletion delete(String id) {
        ServerRecord deleting;
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            ServerRecord s = require(id);
            if (s.status() == ServerStatus.DELETING) {
                deleting = s;
                written = CompletableFuture.completedFuture(null);
            } else {
                inv.requireStoreHealthy();
                String note = inv.agentCall(id) != null ? "being deleted once its launch in flight lands"
                        : "being deleted";
                deleting = s.withStatus(ServerStatus.DELETING, note, inv.now());
                written = inv.commit(deleting);
                LOG.info("deleting server {} ({}), which was {}", s.name(), id, s.status());
            }
        }
        StoreWriter.await(written, "the server is DELETING and its delete goes on when the store is back");
        deleter.attemptNow(id);
        synchronized (inv.lock) {
            ServerRecord now = inv.server(id);
            return now == null ? new Deletion(inv.view(deleting), true) : new Deletion(inv.view(now), false);
        }
    }

    /**
     * Sends the current state of every matching server, then every change, to {@code sink}
     * until the returned handle is run. Snapshot and subscription are taken atomically.
     */
    public Runnable watch(String groupRef, List<String> serverIds, Consumer<ServerChange> sink) {
        synchronized (inv.lock) {
            Predicate<ServerRecord> byGroup = filter(groupRef, "", null);
            Predicate<ServerRecord> filter = serverIds.isEmpty() ? byGroup
                    : byGroup.and(s -> serverIds.contains(s.id()));
            for (ServerRecord s : inv.serversWhere(filter)) {
                sink.accept(new ServerChange(ServerChange.Kind.SNAPSHOT, inv.view(s)));
            }
            return inv.subscribe(v -> filter.test(v.server()), sink);
        }
    }

    private Predicate<ServerRecord> filter(String groupRef, String hostRef, ServerStatus status) {
        Predicate<ServerRecord> filter = s -> true;
        if (!groupRef.isEmpty()) {
            GroupRecord g = inv.findGroup(groupRef);
            if (g == null) {
                throw ControllerException.notFound("group_id: no server group with id or name '" + groupRef + "'");
            }
            filter = filter.and(s -> s.groupId().equals(g.id()));
        }
        if (!hostRef.isEmpty()) {
            HostRecord h = inv.findHost(hostRef);
            if (h == null) {
                throw ControllerException.notFound("host: no host with id or name '" + hostRef + "'");
            }
            filter = filter.and(s -> s.hostId().equals(h.id()));
        }
        if (status != null) {
            filter = filter.and(s -> s.status() == status);
        }
        return filter;
    }

    private ServerRecord require(String id) {
        ServerRecord s = inv.server(id);
        if (s == null) {
            throw ControllerException.notFound("id: no server with id '" + id + "'");
        }
        return s;
    }
}
