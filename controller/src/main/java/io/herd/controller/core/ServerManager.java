package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Allocation;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import io.herd.controller.store.Mutation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Servers: create (place + claim + launch), look up, list, delete, watch. */
public final class ServerManager {

    private static final Logger LOG = LoggerFactory.getLogger(ServerManager.class);

    private final Inventory inv;
    private final CoreSettings settings;
    private final Launcher launcher;
    private final AgentPort agents;

    ServerManager(Inventory inv, CoreSettings settings, Launcher launcher, AgentPort agents) {
        this.inv = inv;
        this.settings = settings;
        this.launcher = launcher;
        this.agents = agents;
    }

    /** The servers created, or the ones a repeated request id created before. */
    public record Created(List<ServerView> servers, boolean replayed) {
    }

    /**
     * Places and claims every server under the inventory lock, writes the claim to the store
     * before any agent is called, then hands the launches to the launcher.
     */
    public Created create(CreateServers req) {
        List<ServerRecord> created;
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            if (!req.requestId().isEmpty() && inv.request(req.requestId()) != null) {
                written = inv.pendingRequests.get(req.requestId());
                created = null;
            } else {
                created = claim(req);
                written = inv.writer.submit(new Mutation.InsertServers(req.requestId(), created));
                if (!req.requestId().isEmpty()) {
                    inv.pendingRequests.put(req.requestId(), written);
                }
            }
        }
        if (created == null) {
            // a repeat: answer once the first request's servers are on disk
            if (written != null) {
                StoreWriter.await(written, "retry");
            }
            synchronized (inv.lock) {
                List<String> seen = inv.request(req.requestId());
                if (seen == null) {
                    throw ControllerException.unavailable("the first request with this request_id failed; retry");
                }
                return new Created(seen.stream().map(inv::server).filter(Objects::nonNull).map(inv::view).toList(),
                        true);
            }
        }
        try {
            StoreWriter.await(written, "nothing was created, retry");
        } catch (ControllerException e) {
            synchronized (inv.lock) {
                created.forEach(inv::forget);
                inv.forgetRequest(req.requestId());
                inv.pendingRequests.remove(req.requestId());
            }
            throw e;
        }
        synchronized (inv.lock) {
            inv.pendingRequests.remove(req.requestId());
        }
        for (ServerRecord s : created) {
            launcher.submit(s.id());
        }
        synchronized (inv.lock) {
            return new Created(created.stream().map(inv::view).toList(), false);
        }
    }

    /** Under the lock: quota, placement and claim, and the new servers in memory (BUILDING, launch pending). */
    private List<ServerRecord> claim(CreateServers req) {
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
        List<String> ids = new ArrayList<>(req.count());
        for (int i = 0; i < req.count(); i++) {
            ids.add(UUID.randomUUID().toString());
        }
        PlacementResult result = inv.engine.place(
                new PlacementRequest(ids, req.flavor(), group == null ? null : group.id()));
        if (result instanceof PlacementResult.NoValidHost none) {
            throw ControllerException.exhausted(none.explanation());
        }
        List<Allocation> allocations = ((PlacementResult.Placed) result).allocations();
        Instant now = inv.now();
        List<ServerRecord> created = new ArrayList<>(allocations.size());
        for (int i = 0; i < allocations.size(); i++) {
            Allocation a = allocations.get(i);
            created.add(new ServerRecord(a.serverId(), req.nameOf(i + 1), group == null ? "" : group.id(),
                    a.hostId(), ServerStatus.BUILDING, "", req.vcpus(), req.memoryMib(), req.diskGib(),
                    req.image(), req.network(), req.requestId(), now, now));
        }
        inv.addCreated(req.requestId(), created);
        // no heartbeat may launch them before their claim is on disk
        inv.launching.addAll(ids);
        return created;
    }

    public ServerView get(String id) {
        synchronized (inv.lock) {
            return inv.view(require(id));
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
    public ServerView delete(String id, boolean force) {
        return force ? forceDelete(id) : delete(id);
    }

    /**
     * Forgets a server whose host is down or unknown without calling its agent, in any state:
     * its removal is on disk before memory, the placement engine and watchers see it, so a
     * failed write changes nothing. A launch still in flight finds no server when it ends and
     * records nothing; a domain left on the host is reported as unknown when the host returns,
     * never deleted.
     */
    public ServerView forceDelete(String id) {
        synchronized (inv.lock) {
            ServerRecord s = require(id);
            HostRecord host = s.hostId().isEmpty() ? null : inv.host(s.hostId());
            if (host != null && host.up()) {
                throw ControllerException.precondition("force: server " + id + " is on host " + host.name()
                        + ", which is up; delete it without force (force is only for a server whose host is down "
                        + "or unknown)");
            }
            StoreWriter.await(inv.writer.submit(new Mutation.DeleteServer(id)), "nothing changed, retry");
            ServerView gone = inv.view(s);
            inv.forget(s);
            LOG.warn("force-deleted server {} ({}) in state {} without reaching its host {}: capacity and "
                            + "membership released; a domain left there is reported as unknown, remove it with virsh",
                    s.name(), id, s.status(), host == null ? (s.hostId().isEmpty() ? "(none)" : s.hostId())
                            : host.name());
            return gone;
        }
    }

    /** Stops the domain through its agent, then releases the claim and membership and forgets the server. */
    public ServerView delete(String id) {
        ServerRecord before;
        String address;
        synchronized (inv.lock) {
            before = require(id);
            if (before.status() == ServerStatus.BUILDING) {
                throw ControllerException.precondition("server " + id + " is still BUILDING; wait until it is "
                        + "ACTIVE or ERROR (WatchServers tells you), then delete it");
            }
            if (before.status() == ServerStatus.DELETING) {
                throw ControllerException.precondition("server " + id + " is already being deleted");
            }
            HostRecord host = before.holdsClaim() ? inv.host(before.hostId()) : null;
            address = host == null ? "" : host.agentAddress();
            inv.commit(before.withStatus(ServerStatus.DELETING, "", inv.now()));
        }
        if (!address.isEmpty()) {
            try {
                agents.delete(address, id);
            } catch (AgentPort.AgentException e) {
                boolean forced;
                boolean hostDown;
                synchronized (inv.lock) {
                    ServerRecord now = inv.server(id);
                    forced = now == null;
                    HostRecord host = inv.host(before.hostId());
                    hostDown = host == null || !host.up();
                    if (now != null && now.status() == ServerStatus.DELETING) {
                        inv.commit(before.withStatus(before.status(), before.statusMessage(), inv.now()));
                    }
                }
                throw ControllerException.unavailable("agent of host " + inv.hostName(before.hostId()) + " at "
                        + address + " did not delete server " + id + ": " + e.getMessage() + (forced
                        ? "; the server was force-deleted meanwhile: remove its domain on that host with virsh"
                        : "; the server is unchanged, retry the delete" + (hostDown ? " (its host is DOWN; if it "
                        + "is gone for good, delete with force to forget the server without reaching it)" : "")));
            }
        }
        ServerView gone;
        CompletableFuture<Void> removed;
        synchronized (inv.lock) {
            ServerRecord current = inv.server(id);
            if (current == null) {
                // force-deleted while the agent was deleting the domain: already forgotten
                LOG.info("deleted server {} ({}); it had been force-deleted meanwhile", before.name(), id);
                return inv.view(before);
            }
            gone = inv.view(current);
            removed = inv.remove(current);
        }
        StoreWriter.await(removed, "the domain is deleted; the server may reappear in ERROR after a restart");
        LOG.info("deleted server {} ({})", before.name(), id);
        return gone;
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
            return inv.watchers.subscribe(v -> filter.test(v.server()), sink);
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
