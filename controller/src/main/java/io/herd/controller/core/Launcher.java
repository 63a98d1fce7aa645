package io.herd.controller.core;

import io.herd.common.BackgroundWork;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches BUILDING servers on their hosts. A server leaving a host (moved, or relaunched
 * elsewhere after a launch whose outcome is unknown) first has its old domain removed there:
 * it is never launched while another copy may run. A failed launch places the server again,
 * avoiding every host where it failed, up to the configured number of retries; then the
 * server goes to ERROR with the agent's message. A server deleted meanwhile is handed to the
 * {@link Deleter} once its launch has landed.
 *
 * <p>One agent call per server at a time ({@link Inventory#startAgentCall}); callers mark a
 * server before its claim is on disk so that no heartbeat launches it early, then queue it
 * with {@link #queueMarked}.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Inventory inv;
    private final AgentPort agents;
    private final AgentCalls calls;
    private final int retries;
    private final CoreMetrics metrics;
    private Deleter deleter;
    /** Hosts where each server's launch failed (under the inventory lock). */
    private final Map<String, Set<String>> failedHosts = new HashMap<>();
    /** Failed clean-ups in a row per server, for the backoff (under the inventory lock). */
    private final Map<String, Integer> cleanupFailures = new HashMap<>();
    /** Set when the controller stops: outcomes of launches still in flight are left to the next start. */
    private volatile boolean stopping;
    /** Launches that landed, recorded in batches under one hold of the lock ({@link #landed}). */
    private final Batches<Launched> launched;

    private record Launched(String serverId, String hostId) {
    }

    Launcher(Inventory inv, AgentPort agents, AgentCalls calls, int retries, CoreMetrics metrics) {
        this.inv = inv;
        this.metrics = metrics;
        this.agents = agents;
        this.calls = calls;
        this.retries = retries;
        this.launched = new Batches<>("launch-outcomes", "recording launches that landed", this::landed);
    }

    void setDeleter(Deleter deleter) {
        this.deleter = deleter;
    }

    /** Stops recording outcomes: whatever is in flight is settled by heartbeats after the next start. */
    void stop() {
        stopping = true;
        launched.close();
    }

    /** Marks and queues the launch of a BUILDING server, unless an agent call for it is in flight. */
    void submit(String serverId) {
        synchronized (inv.lock) {
            ServerRecord s = inv.server(serverId);
            if (s == null || s.status() != ServerStatus.BUILDING || !inv.startAgentCall(serverId, "launch")) {
                return;
            }
        }
        queueMarked(serverId);
    }

    /** Queues the launch of servers the caller marked ({@link Inventory#startAgentCall}) earlier. */
    void queueMarked(String serverId) {
        String hostId;
        synchronized (inv.lock) {
            ServerRecord s = inv.server(serverId);
            if (s == null || s.status() != ServerStatus.BUILDING || !s.holdsClaim()) {
                ended(serverId, s);
                return;
            }
            hostId = s.leavingHost() ? s.previousHostId() : s.hostId();
        }
        if (!calls.run(hostId, () -> run(serverId))) {
            LOG.warn("launch of server {} not queued: the controller is stopping", serverId);
        }
    }

    /**
     * Queues the launch of a server just created and marked by the caller, on the host it
     * claimed; what became of it meanwhile (a delete) is seen when the launch starts.
     */
    void queueCreated(String serverId, String hostId) {
        if (!calls.run(hostId, () -> run(serverId))) {
            LOG.warn("launch of server {} not queued: the controller is stopping", serverId);
        }
    }

    /**
     * Queues the launches of servers the caller marked, once {@code written} (their claims or
     * moves) is on disk; if it never is (the controller is stopping), only the marks go.
     */
    void queueWhenWritten(CompletableFuture<Void> written, List<String> serverIds) {
        written.whenComplete((v, e) -> calls.async(() -> {
            for (String id : serverIds) {
                if (e == null) {
                    queueMarked(id);
                } else {
                    synchronized (inv.lock) {
                        inv.endAgentCall(id);
                    }
                }
            }
        }));
    }

    private void run(String serverId) {
        ServerRecord s;
        HostRecord host;
        boolean fence;
        synchronized (inv.lock) {
            s = inv.server(serverId);
            if (stopping || s == null || s.status() != ServerStatus.BUILDING || !s.holdsClaim()) {
                ended(serverId, s);
                return;
            }
            host = inv.host(s.leavingHost() ? s.previousHostId() : s.hostId());
            GroupRecord g = s.groupId().isEmpty() ? null : inv.group(s.groupId());
            fence = g != null && g.evacuates();
        }
        if (s.leavingHost()) {
            cleanUp(s, host);
            return;
        }
        if (host == null || !host.up() || host.agentAddress().isEmpty()) {
            failed(s, s.hostId(), "host " + (host == null ? s.hostId() : host.name()) + " is down", true);
            return;
        }
        AgentPort.LaunchOrder order = new AgentPort.LaunchOrder(s.id(), s.name(), s.vcpus(), s.memoryMib(),
                s.diskGib(), s.image(), s.groupId(), s.network(), fence);
        long started = System.nanoTime();
        try {
            agents.launch(host.agentAddress(), order);
            metrics.launchFinished(true, System.nanoTime() - started);
            succeeded(s.id(), host.id());
        } catch (AgentPort.AgentException e) {
            metrics.launchFinished(false, System.nanoTime() - started);
            failed(s, host.id(), e.getMessage(), e.definite());
        } catch (RuntimeException e) {
            metrics.launchFinished(false, System.nanoTime() - started);
            LOG.error("launch of server {} on host {} failed unexpectedly", s.id(), host.name(), e);
            failed(s, host.id(), e.toString(), false);
        }
    }

    /** Removes the server's old domain on the host it leaves; then launches it where it goes. */
    private void cleanUp(ServerRecord s, HostRecord old) {
        String oldName = old == null ? s.previousHostId() : old.name();
        if (old == null || !old.up() || old.agentAddress().isEmpty()) {
            // it may still run there: wait until the host is back (or is evacuated, which clears this)
            synchronized (inv.lock) {
                inv.endAgentCall(s.id());
                note(s.id(), "waiting for host " + oldName + " (DOWN) to remove the server's old domain before it "
                        + "is launched on host " + inv.hostName(s.hostId()));
            }
            return;
        }
        try {
            agents.delete(old.agentAddress(), s.id());
        } catch (AgentPort.AgentException e) {
            Duration wait;
            synchronized (inv.lock) {
                inv.endAgentCall(s.id());
                int n = cleanupFailures.merge(s.id(), 1, Integer::sum);
                wait = backoff(n);
                note(s.id(), "removing the server's old domain on host " + oldName + " failed (" + e.getMessage()
                        + "); retrying in " + wait.toMillis() + " ms");
            }
            calls.later(wait, () -> submit(s.id()));
            return;
        }
        synchronized (inv.lock) {
            cleanupFailures.remove(s.id());
            ServerRecord now = inv.server(s.id());
            if (now != null && now.previousHostId().equals(old.id())) {
                LOG.info("server {}: old domain on host {} removed", s.id(), oldName);
                inv.commit(now.movedTo(now.hostId(), "", now.status(), now.statusMessage(), inv.now()));
            }
        }
        // still marked: queued again on the host it goes to
        queueMarked(s.id());
    }

    /**
     * The launch landed: recorded with others that landed meanwhile, the server still marked until
     * then, so that no other agent call for it starts before its outcome is in.
     */
    private void succeeded(String serverId, String hostId) {
        if (!stopping) {
            launched.add(new Launched(serverId, hostId));
        }
    }

    /** Records launches that landed, under one hold of the lock, their servers ACTIVE in one write. */
    private void landed(List<Launched> batch) {
        if (stopping) {
            return;
        }
        synchronized (inv.lock) {
            List<ServerRecord> active = new ArrayList<>(batch.size());
            for (Launched l : batch) {
                inv.endAgentCall(l.serverId());
                failedHosts.remove(l.serverId());
                ServerRecord s = inv.server(l.serverId());
                if (s != null && s.status() == ServerStatus.BUILDING && s.hostId().equals(l.hostId())) {
                    active.add(s.withStatus(ServerStatus.ACTIVE, "", inv.now()));
                    continue;
                }
                // one server's failure here leaves the others of the batch to be recorded
                BackgroundWork.run("recording the launch of server " + l.serverId(), () -> {
                    if (s != null && s.status() == ServerStatus.DELETING) {
                        deleter.startLocked(l.serverId());
                    } else if (s == null || !s.hostId().equals(l.hostId())) {
                        // deleted by force, or moved while the launch was in flight: this copy must go
                        removeStray(l.serverId(), l.hostId());
                    }
                });
            }
            inv.commit(active);
        }
    }

    private void failed(ServerRecord launched, String hostId, String agentMessage, boolean definite) {
        if (stopping) {
            return;
        }
        synchronized (inv.lock) {
            inv.endAgentCall(launched.id());
            String hostName = inv.hostName(hostId).isEmpty() ? hostId : inv.hostName(hostId);
            ServerRecord s = inv.server(launched.id());
            if (s != null && s.status() == ServerStatus.DELETING) {
                deleter.startLocked(s.id());
                return;
            }
            if (s == null || s.status() != ServerStatus.BUILDING || !s.hostId().equals(hostId)) {
                // a heartbeat may have seen the domain run meanwhile (the server is ACTIVE there):
                // only a copy on a host the server does not live on is a stray
                if (!definite && (s == null || !s.hostId().equals(hostId))) {
                    removeStray(launched.id(), hostId);
                }
                return;
            }
            HostRecord host = inv.host(hostId);
            // a host that is DOWN is treated as gone: its copy is fenced or destroyed when it returns
            boolean mayRemain = !definite && host != null && host.up();
            Set<String> avoid = failedHosts.computeIfAbsent(s.id(), k -> new LinkedHashSet<>());
            avoid.add(hostId);
            String why = "launch on host " + hostName + " failed: " + agentMessage;
            if (avoid.size() <= retries) {
                Claims.Result again = inv.placeElsewhere(List.of(s), avoid, null, mayRemain);
                if (again.placed()) {
                    String next = again.hosts().get(0);
                    LOG.warn("server {}: {}; retrying on host {}", s.id(), why, inv.hostName(next));
                    metrics.launchRetried();
                    inv.startAgentCall(s.id(), "launch");
                    var moved = inv.commit(s.movedTo(next, mayRemain ? hostId : "", ServerStatus.BUILDING,
                            why + "; retrying on host " + inv.hostName(next), inv.now()));
                    var recorded = inv.record(List.of(new HistoryEntry(s.id(), inv.now(),
                            HistoryEntry.Event.LAUNCH_RETRIED, hostId, next, why)));
                    // the new host must be on disk before its agent is called: after a crash the store
                    // must name every host that may hold the domain
                    queueWhenWritten(CompletableFuture.allOf(moved, recorded), List.of(s.id()));
                    return;
                }
                why = why + "; no other host fits: " + again.whyNot();
            } else {
                why = why + " (tried " + avoid.size() + " host(s))";
            }
            LOG.warn("server {} is in ERROR: {}", s.id(), why);
            failedHosts.remove(s.id());
            inv.commit(s.withHost("", ServerStatus.ERROR, why, inv.now()));
            if (mayRemain) {
                removeStray(s.id(), hostId);
            }
        }
    }

    /**
     * Removes a copy of a server on a host where it must not run, once; a copy left behind is
     * found in that host's next heartbeat and destroyed at the controller's command. Under the
     * inventory lock.
     */
    private void removeStray(String serverId, String hostId) {
        HostRecord host = inv.host(hostId);
        if (host == null || host.agentAddress().isEmpty()) {
            return;
        }
        calls.run(hostId, () -> {
            try {
                agents.delete(host.agentAddress(), serverId);
                LOG.info("removed a stray copy of server {} on host {}", serverId, host.name());
            } catch (AgentPort.AgentException e) {
                LOG.warn("could not remove a stray copy of server {} on host {} ({}); its next heartbeat will "
                        + "report it and it is destroyed then", serverId, host.name(), e.getMessage());
            }
        });
    }

    /** Sets the server's state message if it changed (under the inventory lock). */
    private void note(String serverId, String message) {
        ServerRecord s = inv.server(serverId);
        if (s != null && !s.statusMessage().equals(message)) {
            LOG.info("server {}: {}", serverId, message);
            inv.commit(s.withStatus(s.status(), message, inv.now()));
        }
    }

    /** Under the inventory lock: the mark of a launch that will not run; a deleted server goes to the deleter. */
    private void ended(String serverId, ServerRecord s) {
        inv.endAgentCall(serverId);
        failedHosts.remove(serverId);
        cleanupFailures.remove(serverId);
        if (s != null && s.status() == ServerStatus.DELETING) {
            deleter.startLocked(serverId);
        }
    }

    private static Duration backoff(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 10));
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }
}
