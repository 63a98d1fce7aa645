package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the domains of DELETING servers, then the servers. A server's domain may be on its
 * host and, while it moves, on the host it leaves: each is removed through its agent, and
 * each host's claim or hold is given back once its domain is gone; when none is left the
 * server is forgotten. A launch in flight is let land first (the launcher hands the server
 * over). A failed call is retried with backoff; a DOWN host is waited for (its return
 * resumes the delete, see {@link HostManager}), or the operator forces the delete.
 */
final class Deleter {

    private static final Logger LOG = LoggerFactory.getLogger(Deleter.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Inventory inv;
    private final AgentPort agents;
    private final AgentCalls calls;
    /** Failed calls in a row per server, for the backoff (under the inventory lock). */
    private final Map<String, Integer> failures = new HashMap<>();

    private record Step(String serverId, String hostId, String address, String hostName) {
    }

    Deleter(Inventory inv, AgentPort agents, AgentCalls calls) {
        this.inv = inv;
        this.agents = agents;
        this.calls = calls;
    }

    /** Under the inventory lock: starts or resumes the delete in the background. */
    void startLocked(String serverId) {
        Step step = next(serverId);
        if (step != null && !calls.run(step.hostId(), () -> attempt(step))) {
            inv.endAgentCall(serverId);
        }
    }

    /** Without the lock: makes the next agent call of the delete in this thread, if one can be made now. */
    void attemptNow(String serverId) {
        Step step;
        synchronized (inv.lock) {
            step = next(serverId);
        }
        if (step != null) {
            attempt(step);
        }
    }

    /** Under the lock: the next host to remove the domain on, marked as an agent call; null when none now. */
    private Step next(String serverId) {
        while (true) {
            ServerRecord s = inv.server(serverId);
            if (s == null || s.status() != ServerStatus.DELETING || inv.agentCall(serverId) != null) {
                return null;
            }
            String target = s.holdsClaim() ? s.hostId() : s.previousHostId();
            if (target.isEmpty()) {
                inv.remove(s);
                failures.remove(serverId);
                LOG.info("deleted server {} ({})", s.name(), serverId);
                return null;
            }
            HostRecord host = inv.host(target);
            if (host == null || host.agentAddress().isEmpty()) {
                // a host never heard from cannot hold its domain
                inv.commit(without(s, target));
                continue;
            }
            if (!host.up()) {
                note(s, "its host " + host.name() + " is DOWN: the domain is removed when the host returns (delete "
                        + "with force to forget the server now)");
                return null;
            }
            inv.startAgentCall(serverId, "delete");
            return new Step(serverId, target, host.agentAddress(), host.name());
        }
    }

    private void attempt(Step step) {
        try {
            agents.delete(step.address(), step.serverId());
        } catch (AgentPort.AgentException e) {
            Duration wait;
            synchronized (inv.lock) {
                inv.endAgentCall(step.serverId());
                int n = failures.merge(step.serverId(), 1, Integer::sum);
                wait = FIRST_RETRY.multipliedBy(1L << Math.min(n - 1, 10));
                wait = wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
                ServerRecord s = inv.server(step.serverId());
                if (s != null) {
                    note(s, "agent of host " + step.hostName() + " did not remove the domain (" + e.getMessage()
                            + "); retrying in " + wait.toMillis() + " ms");
                }
            }
            calls.later(wait, () -> {
                synchronized (inv.lock) {
                    startLocked(step.serverId());
                }
            });
            return;
        }
        synchronized (inv.lock) {
            inv.endAgentCall(step.serverId());
            failures.remove(step.serverId());
            ServerRecord s = inv.server(step.serverId());
            if (s == null) {
                return;
            }
            ServerRecord rest = without(s, step.hostId());
            if (rest.holdsClaim() || rest.leavingHost()) {
                inv.commit(rest);
            } else {
                inv.removeDeleted(s);
                LOG.info("deleted server {} ({}) from host {}", s.name(), s.id(), step.hostName());
                return;
            }
            startLocked(step.serverId());
        }
    }

    /** The record without the claim or hold on {@code hostId}: its domain there is gone. */
    private ServerRecord without(ServerRecord s, String hostId) {
        if (s.hostId().equals(hostId)) {
            return s.movedTo("", s.previousHostId(), s.status(), s.statusMessage(), inv.now());
        }
        return s.movedTo(s.hostId(), "", s.status(), s.statusMessage(), inv.now());
    }

    private void note(ServerRecord s, String message) {
        if (!s.statusMessage().equals(message)) {
            LOG.info("server {} being deleted: {}", s.id(), message);
            inv.commit(s.withStatus(s.status(), message, inv.now()));
        }
    }
}
