package io.herd.e2e;

import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the load benchmark checks once its calls are answered. It first waits until every
 * server has settled (ACTIVE or ERROR: none BUILDING or DELETING), because an answered
 * CreateServers only means the server is claimed and its launch queued. Then it compares,
 * server by server, the controller's view with what the agents run, asked directly: every
 * server the benchmark created is ACTIVE with exactly one domain, running, on the host the
 * controller names; every herd domain on an agent belongs to a server the controller knows; no
 * ANTI_AFFINITY group has more members on a host than its maximum, and the controller reports
 * every hard group compliant. Problems are collected, not thrown, so that the caller can still
 * write the figures it measured before it fails; when there are any, the comparison is repeated
 * for a while to tell the problems that last from those the next heartbeats undo.
 */
final class ServerAudit {

    /** Problems listed in a report; the others are only counted. */
    static final int SHOWN = 20;

    /**
     * How the servers settled.
     *
     * @param unsettledAtStart servers BUILDING or DELETING when the wait began
     * @param millis           how long the wait took (to within the 100 ms poll)
     * @param unsettled        servers still BUILDING or DELETING when the wait gave up; empty when all settled
     */
    record Settling(int unsettledAtStart, long millis, List<Server> unsettled) {
    }

    /**
     * One thing that does not match.
     *
     * @param kind    LOST, NOT_ACTIVE, MISSING, DUPLICATE, WRONG_HOST, NOT_RUNNING, UNEXPECTED, UNKNOWN_DOMAIN,
     *                OVER_MAX, NON_COMPLIANT or UNSETTLED
     * @param subject the server, domain (id@host) or group it is about, to find it again in a later
     *                comparison, whatever its kind then
     * @param detail  what was seen
     */
    record Problem(String kind, String subject, String detail) {
    }

    /**
     * What the comparison found.
     *
     * @param servers        servers the controller lists
     * @param domains        herd domains the agents run
     * @param hardViolations hosts on which an ANTI_AFFINITY group has more members than its maximum, over all groups
     * @param problems       what did not match; empty when everything did
     * @param lasting        the problems still there when the comparison was last repeated (see {@link #recheck})
     * @param recheckMillis  how long the comparison was repeated; 0 when it was not
     */
    record Result(int servers, int domains, int hardViolations, List<Problem> problems, Set<Problem> lasting,
                  long recheckMillis) {

        boolean passed() {
            return problems.isEmpty();
        }

        /** The problems, at most {@link #SHOWN} of them, with their total count and the count of each kind. */
        String report() {
            Map<String, Long> kinds = problems.stream()
                    .collect(Collectors.groupingBy(Problem::kind, TreeMap::new, Collectors.counting()));
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "outcome check: %d problem(s) %s among %d server(s) and %d domain(s); %d still there after "
                            + "comparing again for %d ms%s", problems.size(), kinds, servers, domains, lasting.size(),
                    recheckMillis, problems.size() > SHOWN ? "; the first " + SHOWN + ":" : ":"));
            problems.stream().limit(SHOWN).forEach(p -> b.append("\n  ").append(p.kind()).append(' ')
                    .append(p.detail()).append(lasting.contains(p) ? " [lasting]" : " [gone when compared again]"));
            return b.toString();
        }
    }

    private final Cluster cluster;

    ServerAudit(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Waits until no server is BUILDING or DELETING, at most {@code bound}; does not fail when they do not settle. */
    Settling awaitSettled(Duration bound) {
        long start = System.nanoTime();
        AtomicReference<List<Server>> unsettled = new AtomicReference<>(unsettled());
        int atStart = unsettled.get().size();
        try {
            await("every server ACTIVE or ERROR").atMost(bound).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        unsettled.set(unsettled());
                        return unsettled.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            // reported by check(), after the figures are out
        }
        return new Settling(atStart, (System.nanoTime() - start) / 1_000_000, unsettled.get());
    }

    private List<Server> unsettled() {
        List<Server> out = new ArrayList<>();
        for (ServerState state : List.of(ServerState.SERVER_STATE_BUILDING, ServerState.SERVER_STATE_DELETING)) {
            out.addAll(cluster.servers.listServers(ListServersRequest.newBuilder().setState(state).build())
                    .getServersList());
        }
        return out;
    }

    /**
     * Compares the controller's servers with the agents' domains.
     *
     * @param settling what {@link #awaitSettled} saw
     * @param created  ids of the servers the benchmark's CreateServers calls returned
     * @param groupIds every server group the servers were created in
     */
    Result check(Settling settling, Collection<String> created, List<String> groupIds) {
        List<Problem> problems = new ArrayList<>();
        if (!settling.unsettled().isEmpty()) {
            problems.add(new Problem("UNSETTLED", "unsettled", settling.unsettled().size() + " server(s) still BUILDING or "
                    + "DELETING after " + settling.millis() + " ms (each listed as NOT_ACTIVE)"));
        }
        Map<String, Server> servers = new LinkedHashMap<>();
        for (Server s : cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()) {
            servers.put(s.getId(), s);
        }
        // server id → host name → its domain there
        Map<String, Map<String, AgentServer>> domains = new LinkedHashMap<>();
        int domainCount = 0;
        for (Map.Entry<String, List<AgentServer>> host : cluster.domainsByHost().entrySet()) {
            for (AgentServer d : host.getValue()) {
                domainCount++;
                domains.computeIfAbsent(d.getServerId(), k -> new TreeMap<>()).put(host.getKey(), d);
            }
        }
        for (String id : created) {
            if (!servers.containsKey(id)) {
                problems.add(new Problem("LOST", id, id + ": CreateServers returned it, the controller does not "
                        + "list it; domains: " + where(domains.get(id))));
            }
        }
        for (Server s : servers.values()) {
            Map<String, AgentServer> on = domains.getOrDefault(s.getId(), Map.of());
            String kind = serverProblem(s, on);
            if (kind == null && !created.contains(s.getId())) {
                // a server the benchmark did not create, or one the warm-up left
                kind = "UNEXPECTED";
            }
            if (kind != null) {
                problems.add(new Problem(kind, s.getId(), describe(s) + "; domains: " + where(on)));
            }
        }
        domains.forEach((id, on) -> {
            if (!servers.containsKey(id)) {
                on.forEach((host, d) -> problems.add(new Problem("UNKNOWN_DOMAIN", id + "@" + host, id + " '"
                        + d.getName() + "' of group " + d.getGroupId() + " on " + host + " (" + d.getLibvirtState()
                        + "): the controller has no such server")));
            }
        });
        int violations = hardPolicy(groupIds, domains, problems);
        return new Result(servers.size(), domainCount, violations, problems, Set.copyOf(problems), 0);
    }

    /**
     * Compares again, until none of {@code first}'s problems is left or {@code bound} has passed,
     * and returns {@code first} with the problems still there at the end. A server the controller
     * marked wrongly may be put right by the next heartbeat; a lost one is not.
     */
    Result recheck(Result first, Collection<String> created, List<String> groupIds, Duration bound) {
        if (first.passed()) {
            return first;
        }
        long start = System.nanoTime();
        AtomicReference<Set<String>> still = new AtomicReference<>(subjects(first.problems()));
        try {
            await("the problems found gone").atMost(bound).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Settling again = new Settling(0, 0, unsettled());
                Set<String> now = subjects(check(again, created, groupIds).problems());
                now.retainAll(subjects(first.problems()));
                still.set(now);
                return now.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // the ones left are marked lasting in the report
        }
        Set<Problem> lasting = first.problems().stream()
                .filter(p -> still.get().contains(p.subject())).collect(Collectors.toSet());
        return new Result(first.servers(), first.domains(), first.hardViolations(), first.problems(), lasting,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static Set<String> subjects(List<Problem> problems) {
        return problems.stream().map(Problem::subject).collect(Collectors.toSet());
    }

    /** Why a server does not match the agents, or null when it does. */
    private static String serverProblem(Server s, Map<String, AgentServer> on) {
        if (s.getState() != ServerState.SERVER_STATE_ACTIVE) {
            return "NOT_ACTIVE";
        }
        if (on.isEmpty()) {
            return "MISSING";
        }
        if (on.size() > 1) {
            return "DUPLICATE";
        }
        AgentServer d = on.get(s.getHostName());
        if (d == null) {
            return "WRONG_HOST";
        }
        return d.getState() == ServerState.SERVER_STATE_ACTIVE ? null : "NOT_RUNNING";
    }

    /**
     * Counts, from the agents' domains, the hosts where an ANTI_AFFINITY group (scope HOST) is
     * above its maximum, and asks the controller whether each hard group is compliant.
     */
    private int hardPolicy(List<String> groupIds, Map<String, Map<String, AgentServer>> domains,
                           List<Problem> problems) {
        // group id → host → members there
        Map<String, Map<String, Integer>> perHost = new TreeMap<>();
        domains.values().forEach(on -> on.forEach((host, d) ->
                perHost.computeIfAbsent(d.getGroupId(), k -> new TreeMap<>()).merge(host, 1, Integer::sum)));
        int violations = 0;
        for (String id : groupIds) {
            ServerGroup g = cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(id).build());
            if (g.getPolicy() == Policy.ANTI_AFFINITY && g.getScope() == Scope.HOST) {
                for (Map.Entry<String, Integer> e : perHost.getOrDefault(id, Map.of()).entrySet()) {
                    if (e.getValue() > g.getMaxPerDomain()) {
                        violations++;
                        problems.add(new Problem("OVER_MAX", id + "@" + e.getKey(), "group " + g.getName() + " ("
                                + id + ") has " + e.getValue() + " domains on " + e.getKey() + ", at most "
                                + g.getMaxPerDomain() + " allowed"));
                    }
                }
            }
            if (!g.getCompliance().getCompliant()) {
                problems.add(new Problem("NON_COMPLIANT", id, "group " + g.getName() + " (" + id + "): "
                        + g.getCompliance().getReason() + "; violating members: "
                        + g.getCompliance().getViolatingMemberIdsList()));
            }
        }
        return violations;
    }

    private static String describe(Server s) {
        Instant updated = Instant.ofEpochSecond(s.getUpdatedAt().getSeconds(), s.getUpdatedAt().getNanos());
        return s.getId() + " '" + s.getName() + "' " + s.getState().name().replace("SERVER_STATE_", "") + " on "
                + (s.getHostName().isEmpty() ? "(no host)" : s.getHostName())
                + (s.getStateMessage().isEmpty() ? "" : " \"" + s.getStateMessage() + "\"") + " since " + updated;
    }

    private static String where(Map<String, AgentServer> on) {
        if (on == null || on.isEmpty()) {
            return "none";
        }
        return on.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().getLibvirtState() + ")")
                .collect(Collectors.joining(", "));
    }
}
