package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evacuation benchmark (not part of the test suite: run it by name, see docs/benchmarks.md).
 * One controller, {@code herd.bench.agents} agent processes on the test driver, groups of
 * anti-affinity members that evacuate; hosts are killed with SIGKILL and the time from their
 * death to every one of their servers ACTIVE elsewhere is measured, then every group's policy
 * and every domain's place are checked.
 */
class EvacuationBenchmark {

    @TempDir
    Path dir;

    @Test
    void timeFromAHostsDeathToItsServersActiveElsewhere() throws Exception {
        int agents = Integer.getInteger("herd.bench.agents", 50);
        int groupCount = Integer.getInteger("herd.bench.groups", 50);
        int perGroup = Integer.getInteger("herd.bench.members", 20);
        long graceMs = Long.getLong("herd.bench.grace.ms", 10_000);
        long heartbeatMs = Long.getLong("herd.bench.heartbeat.ms", 1_000);
        List<Integer> rounds = List.of(1, 5);
        Cluster.Options options = new Cluster.Options(heartbeatMs, List.of("-Xmx1g"),
                List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        try (Cluster cluster = new Cluster(dir, null, options, "--grace-period-ms", Long.toString(graceMs))) {
            List<Cluster.HostShape> shapes = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                shapes.add(new Cluster.HostShape(String.format("e%02d", i), 32, 131_072, "rack" + (i / 10),
                        "zone" + (i / 25)));
            }
            cluster.startTestAgents(shapes, "--set", "cpu_allocation_ratio=16");
            List<String> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                groups.add(cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder()
                        .setName("evac-" + g).setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST)
                        .setOnHostFailure(OnHostFailure.ON_HOST_FAILURE_EVACUATE).build()).getId());
            }
            for (String g : groups) {
                cluster.servers.createServers(CreateServersRequest.newBuilder().setName("m").setVcpus(1)
                        .setMemoryMib(256).setGroupId(g).setCount(perGroup).build());
            }
            int total = groupCount * perGroup;
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250)).until(() -> cluster.servers
                    .listServers(ListServersRequest.newBuilder().setState(ServerState.SERVER_STATE_ACTIVE).build())
                    .getServersCount() == total);

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("hosts", agents);
            report.put("servers", total);
            report.put("grace_ms", graceMs);
            report.put("heartbeat_ms", heartbeatMs);
            List<Map<String, Object>> results = new ArrayList<>();
            List<String> alive = new ArrayList<>(shapes.stream().map(Cluster.HostShape::name).toList());
            for (int kill : rounds) {
                List<String> victims = new ArrayList<>(alive.subList(0, kill));
                alive.removeAll(victims);
                results.add(round(cluster, victims, alive, groups, graceMs));
            }
            report.put("rounds", results);
            String json = toJson(report);
            Files.writeString(Path.of("target", "evacuation-bench.json"), json);
            System.out.println("evacuation benchmark: " + json);
            for (Map<String, Object> r : results) {
                assertThat((long) r.get("all_active_ms")).as("death → all ACTIVE elsewhere, target grace + 10 s")
                        .isLessThanOrEqualTo(graceMs + 10_000);
            }
        }
    }

    private Map<String, Object> round(Cluster cluster, List<String> victims, List<String> alive,
                                      List<String> groups, long graceMs) throws Exception {
        Set<String> moving = cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()
                .stream().filter(s -> victims.contains(s.getHostName())).map(Server::getId)
                .collect(Collectors.toSet());
        long t0 = System.nanoTime();
        for (String v : victims) {
            cluster.agents.get(v).kill9();
        }
        long[] marks = {-1, -1, -1}; // DOWN seen, first server elsewhere, all ACTIVE elsewhere (ms after the kill)
        await().atMost(Duration.ofMillis(graceMs + 120_000)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long now = (System.nanoTime() - t0) / 1_000_000;
            if (marks[0] < 0 && cluster.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList().stream()
                    .filter(h -> victims.contains(h.getName())).noneMatch(Host::getUp)) {
                marks[0] = now;
            }
            List<Server> theirs = cluster.servers.listServers(ListServersRequest.getDefaultInstance())
                    .getServersList().stream().filter(s -> moving.contains(s.getId())).toList();
            if (marks[1] < 0 && theirs.stream().anyMatch(s -> !victims.contains(s.getHostName()))) {
                marks[1] = now;
            }
            boolean done = theirs.size() == moving.size() && theirs.stream().allMatch(s ->
                    s.getState() == ServerState.SERVER_STATE_ACTIVE && !victims.contains(s.getHostName()));
            if (done) {
                marks[2] = now;
            }
            return done;
        });
        long down = marks[0];
        long firstMoved = marks[1];
        long allActive = marks[2];
        // independent check: every group holds its policy, every server runs exactly where recorded
        for (String g : groups) {
            assertThat(cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(g).build())
                    .getCompliance().getCompliant()).as("group %s", g).isTrue();
        }
        Map<String, String> runsOn = new HashMap<>();
        for (String host : alive) {
            for (AgentServer d : cluster.domainsOf(host)) {
                assertThat(runsOn.put(d.getServerId(), host)).as("server %s on two hosts", d.getServerId()).isNull();
            }
        }
        for (Server s : cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()) {
            if (!victims.contains(s.getHostName()) && alive.contains(s.getHostName())) {
                assertThat(runsOn.get(s.getId())).as("server %s", s.getId()).isEqualTo(s.getHostName());
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("hosts_killed", victims.size());
        r.put("servers_moved", moving.size());
        r.put("down_detected_ms", down);
        r.put("first_moved_ms", firstMoved);
        r.put("all_active_ms", allActive);
        r.put("after_grace_ms", allActive - down - graceMs);
        return r;
    }

    private static String toJson(Map<String, Object> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + (e.getValue() instanceof Map<?, ?> m
                ? toJson(castMap(m)) : e.getValue() instanceof List<?> l ? l.stream().map(x -> toJson(castMap(
                (Map<?, ?>) x))).collect(Collectors.joining(", ", "[", "]")) : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
