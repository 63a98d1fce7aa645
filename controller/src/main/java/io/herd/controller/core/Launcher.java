package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends claimed servers to their agents, in parallel on a bounded executor. A failed launch
 * releases the claim and places the server again, avoiding every host where it failed, up to
 * the configured number of retries; then the server goes to ERROR with the agent's message.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final Inventory inv;
    private final AgentPort agents;
    private final ExecutorService executor;
    private final int retries;
    /** Hosts where each server's launch failed (under the inventory lock). */
    private final Map<String, Set<String>> failedHosts = new HashMap<>();
    /** Set when the controller stops: outcomes of launches still in flight are left to reconciliation. */
    private volatile boolean stopping;

    Launcher(Inventory inv, AgentPort agents, ExecutorService executor, int retries) {
        this.inv = inv;
        this.agents = agents;
        this.executor = executor;
        this.retries = retries;
    }

    /**
     * Stops recording launch outcomes: like a crash, whatever is in flight is settled by the
     * heartbeats after the next start (BUILDING servers whose domain is missing are relaunched).
     */
    void stop() {
        stopping = true;
    }

    /** Queues the launch of a server the caller has put into {@code inv.launching}. */
    void submit(String serverId) {
        try {
            executor.execute(() -> run(serverId));
        } catch (RejectedExecutionException e) {
            LOG.warn("launch of server {} not queued: the controller is stopping", serverId);
            synchronized (inv.lock) {
                inv.launching.remove(serverId);
            }
        }
    }

    private void run(String serverId) {
        ServerRecord s;
        HostRecord host;
        synchronized (inv.lock) {
            s = inv.server(serverId);
            if (s == null || s.status() != ServerStatus.BUILDING || !s.holdsClaim()) {
                inv.launching.remove(serverId);
                return;
            }
            host = inv.host(s.hostId());
        }
        if (host == null || !host.up() || host.agentAddress().isEmpty()) {
            failed(s, s.hostId(), "host " + (host == null ? s.hostId() : host.name()) + " is down", true);
            return;
        }
        AgentPort.LaunchOrder order = new AgentPort.LaunchOrder(s.id(), s.name(), s.vcpus(), s.memoryMib(),
                s.diskGib(), s.image(), s.groupId(), s.network());
        try {
            agents.launch(host.agentAddress(), order);
            succeeded(s.id(), host.id());
        } catch (AgentPort.AgentException e) {
            failed(s, host.id(), e.getMessage(), e.definite());
        } catch (RuntimeException e) {
            LOG.error("launch of server {} on host {} failed unexpectedly", s.id(), host.name(), e);
            failed(s, host.id(), e.toString(), false);
        }
    }

    private void succeeded(String serverId, String hostId) {
        if (stopping) {
            return;
        }
        synchronized (inv.lock) {
            inv.launching.remove(serverId);
            failedHosts.remove(serverId);
            ServerRecord s = inv.server(serverId);
            if (s != null && s.status() == ServerStatus.BUILDING && s.hostId().equals(hostId)) {
                commitLogged(s.withStatus(ServerStatus.ACTIVE, "", inv.now()));
            }
        }
    }

    private void failed(ServerRecord launched, String hostId, String agentMessage, boolean definite) {
        String hostName;
        String next = null;
        java.util.concurrent.CompletableFuture<Void> moved = null;
        if (stopping) {
            return;
        }
        synchronized (inv.lock) {
            hostName = inv.hostName(hostId);
            ServerRecord s = inv.server(launched.id());
            if (s == null || s.status() != ServerStatus.BUILDING || !s.hostId().equals(hostId)) {
                inv.launching.remove(launched.id());
                return;
            }
            Set<String> avoid = failedHosts.computeIfAbsent(s.id(), k -> new LinkedHashSet<>());
            avoid.add(hostId);
            inv.engine.release(s.id());
            String why = "launch on host " + (hostName.isEmpty() ? hostId : hostName) + " failed: " + agentMessage;
            if (avoid.size() <= retries) {
                PlacementResult again = inv.engine.place(new PlacementRequest(List.of(s.id()), s.flavor(),
                        s.groupId().isEmpty() ? null : s.groupId(), avoid));
                if (again instanceof PlacementResult.Placed placed) {
                    next = placed.allocations().get(0).hostId();
                    LOG.warn("server {}: {}; retrying on host {}", s.id(), why, inv.hostName(next));
                    moved = inv.commit(s.withHost(next, ServerStatus.BUILDING, why + "; retrying on host "
                            + inv.hostName(next), inv.now()));
                } else {
                    why = why + "; no other host fits: " + ((PlacementResult.NoValidHost) again).explanation();
                }
            } else {
                why = why + " (tried " + avoid.size() + " host(s))";
            }
            if (next == null) {
                LOG.warn("server {} is in ERROR: {}", s.id(), why);
                failedHosts.remove(s.id());
                inv.launching.remove(s.id());
                commitLogged(s.withHost("", ServerStatus.ERROR, why, inv.now()));
            }
        }
        if (!definite) {
            forgetDomain(hostId, launched.id());
        }
        if (next != null) {
            // the new host must be on disk before its agent is called: after a crash the store
            // must point at every host that may hold the domain
            try {
                StoreWriter.await(moved, "launch not retried");
            } catch (ControllerException e) {
                LOG.error("server {}: {}", launched.id(), e.getMessage());
                synchronized (inv.lock) {
                    inv.launching.remove(launched.id());
                }
                return;
            }
            submit(launched.id());
        }
    }

    /** After a launch with an unknown outcome, removes whatever it may have left behind. */
    private void forgetDomain(String hostId, String serverId) {
        HostRecord host;
        synchronized (inv.lock) {
            host = inv.host(hostId);
        }
        if (host == null || host.agentAddress().isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    agents.delete(host.agentAddress(), serverId);
                } catch (AgentPort.AgentException e) {
                    LOG.warn("could not remove a possible leftover of server {} on host {}: {}", serverId,
                            host.name(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("not removing a possible leftover of server {} on host {}: stopping", serverId, host.name());
        }
    }

    private void commitLogged(ServerRecord s) {
        inv.commit(s);
    }
}
