package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One controller and five agents on libvirt's test driver, each of its own size, in three
 * racks and two zones. Every placement is checked against what the agents themselves run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementIT {

    static final List<Cluster.HostShape> HOSTS = List.of(
            new Cluster.HostShape("host1", 4, 8_192, "r1", "z1"),
            new Cluster.HostShape("host2", 8, 16_384, "r1", "z1"),
            new Cluster.HostShape("host3", 8, 12_288, "r2", "z1"),
            new Cluster.HostShape("host4", 16, 32_768, "r2", "z2"),
            new Cluster.HostShape("host5", 4, 6_144, "r3", "z2"));
    static final Map<String, String> RACK = Map.of("host1", "r1", "host2", "r1", "host3", "r2", "host4", "r2",
            "host5", "r3");

    Cluster cluster;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        cluster = new Cluster(dir);
        cluster.startTestAgents(HOSTS, "--set", "cpu_allocation_ratio=16");
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void antiAffinitySpreadsOverHostsAndRefusesTheSixthWithTheExplanation() {
        ServerGroup g = group("anti", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        List<Server> created = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            created.addAll(create("anti-" + i, g, 1));
        }
        assertThatThrownBy(() -> create("anti-6", g, 1))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("no valid host").contains("anti-affinity")
                            .contains("5 hosts");
                });
        Map<String, String> where = awaitActiveOnAgents(created);
        assertThat(where.values()).containsExactlyInAnyOrder("host1", "host2", "host3", "host4", "host5");
        assertThat(members(g)).hasSize(5);
        assertThat(compliant(g)).isTrue();
    }

    @Test
    void affinityKeepsEveryMemberOnOneHost() {
        ServerGroup g = group("aff", Policy.AFFINITY, Scope.HOST, 0);
        List<Server> created = new ArrayList<>(create("aff-gang", g, 3));
        created.addAll(create("aff-late", g, 1));
        Map<String, String> where = awaitActiveOnAgents(created);
        assertThat(new java.util.HashSet<>(where.values())).hasSize(1);
        assertThat(compliant(g)).isTrue();
    }

    @Test
    void softPoliciesPreferButNeverFail() {
        ServerGroup spread = group("soft-anti", Policy.SOFT_ANTI_AFFINITY, Scope.HOST, 0);
        List<Server> spreadServers = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            spreadServers.addAll(create("soft-anti-" + i, spread, 1));
        }
        Map<String, Integer> perHost = count(awaitActiveOnAgents(spreadServers).values());
        assertThat(perHost).hasSize(5);
        assertThat(perHost.values().stream().mapToInt(Integer::intValue).max().getAsInt()
                - perHost.values().stream().mapToInt(Integer::intValue).min().getAsInt()).isLessThanOrEqualTo(1);

        ServerGroup together = group("soft-aff", Policy.SOFT_AFFINITY, Scope.HOST, 0);
        List<Server> togetherServers = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            togetherServers.addAll(create("soft-aff-" + i, together, 1));
        }
        assertThat(new java.util.HashSet<>(awaitActiveOnAgents(togetherServers).values())).hasSize(1);
    }

    @Test
    void maxPerDomainTwoPutsAtMostTwoOnEachHost() {
        ServerGroup g = group("max2", Policy.ANTI_AFFINITY, Scope.HOST, 2);
        List<Server> created = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            created.addAll(create("max2-" + i, g, 1));
        }
        assertThatThrownBy(() -> create("max2-11", g, 1)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        Map<String, Integer> perHost = count(awaitActiveOnAgents(created).values());
        assertThat(perHost).containsOnlyKeys("host1", "host2", "host3", "host4", "host5");
        assertThat(perHost.values()).containsOnly(2);
    }

    @Test
    void rackScopedAntiAffinityUsesEachRackOnce() {
        ServerGroup g = group("rack-anti", Policy.ANTI_AFFINITY, Scope.RACK, 0);
        List<Server> created = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            created.addAll(create("rack-" + i, g, 1));
        }
        assertThatThrownBy(() -> create("rack-4", g, 1)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("rack");
        });
        Map<String, String> where = awaitActiveOnAgents(created);
        assertThat(where.values().stream().map(RACK::get).toList()).containsExactlyInAnyOrder("r1", "r2", "r3");
    }

    @Test
    void aGangIsPlacedAllOrNothing() {
        ServerGroup g = group("gang", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        assertThatThrownBy(() -> create("gang-too-big", g, 6)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(members(g)).isEmpty();
        assertThat(cluster.domainsByHost().values().stream().flatMap(List::stream)
                .filter(d -> d.getGroupId().equals(g.getId())).toList()).isEmpty();
        List<Server> gang = create("gang", g, 5);
        assertThat(new java.util.HashSet<>(awaitActiveOnAgents(gang).values())).hasSize(5);
    }

    @Test
    void twoHundredConcurrentCreatesKeepEveryGroupsPolicy() throws Exception {
        List<ServerGroup> groups = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            groups.add(group("burst-" + i, Policy.ANTI_AFFINITY, Scope.HOST, 12));
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                ServerGroup g = groups.get(i % groups.size());
                int n = i;
                calls.add(pool.submit(() -> {
                    try {
                        for (Server s : create("burst-" + n, g, 1)) {
                            acknowledged.put(s.getId(), g.getId());
                        }
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                            throw e;
                        }
                        refused.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // 4 groups × 12 per host × 5 hosts = 240 legal slots for 200 servers: none is refused
        assertThat(refused.get()).isZero();
        assertThat(acknowledged).hasSize(200);
        // independent check: what the agents run, grouped by the group id in each domain's metadata
        await().atMost(Duration.ofSeconds(120)).until(() -> cluster.domainsByHost().values().stream()
                .flatMap(List::stream).filter(d -> acknowledged.containsKey(d.getServerId())).count() == 200);
        Map<String, Integer> perGroupAndHost = new HashMap<>();
        cluster.domainsByHost().forEach((host, domains) -> {
            for (AgentServer d : domains) {
                if (acknowledged.containsKey(d.getServerId())) {
                    assertThat(d.getGroupId()).isEqualTo(acknowledged.get(d.getServerId()));
                    perGroupAndHost.merge(d.getGroupId() + "@" + host, 1, Integer::sum);
                }
            }
        });
        assertThat(perGroupAndHost.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(12));
        for (ServerGroup g : groups) {
            assertThat(compliant(g)).isTrue();
        }
    }

    // ---- helpers

    private ServerGroup group(String name, Policy policy, Scope scope, int maxPerDomain) {
        return cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName(name).setPolicy(policy)
                .setScope(scope).setMaxPerDomain(maxPerDomain).build());
    }

    private List<Server> create(String name, ServerGroup g, int count) {
        List<Server> created = cluster.servers.createServers(CreateServersRequest.newBuilder().setName(name)
                .setVcpus(1).setMemoryMib(64).setGroupId(g.getId()).setCount(count).build()).getServersList();
        assertThat(created).hasSize(count).allSatisfy(s -> {
            assertThat(s.getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);
            assertThat(s.getHostName()).isNotEmpty();
        });
        return created;
    }

    private List<String> members(ServerGroup g) {
        return cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(g.getId()).build())
                .getMemberIdsList();
    }

    private boolean compliant(ServerGroup g) {
        return cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(g.getId()).build())
                .getCompliance().getCompliant();
    }

    /**
     * Waits until every server is ACTIVE at the controller and running on the agent of the
     * host the controller named; returns server id → host name as the agents report it.
     */
    private Map<String, String> awaitActiveOnAgents(List<Server> created) {
        Map<String, String> claimed = new HashMap<>();
        created.forEach(s -> claimed.put(s.getId(), s.getHostName()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                cluster.servers.listServers(ListServersRequest.newBuilder()
                        .setState(ServerState.SERVER_STATE_ACTIVE).build()).getServersList().stream()
                        .filter(s -> claimed.containsKey(s.getId())).count() == created.size());
        Map<String, String> where = new HashMap<>();
        cluster.domainsByHost().forEach((host, domains) -> domains.stream()
                .filter(d -> claimed.containsKey(d.getServerId()))
                .forEach(d -> {
                    assertThat(d.getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
                    assertThat(where.put(d.getServerId(), host)).as("server %s on two hosts", d.getServerId()).isNull();
                }));
        assertThat(where).isEqualTo(claimed);
        return where;
    }

    private static Map<String, Integer> count(java.util.Collection<String> hosts) {
        Map<String, Integer> out = new HashMap<>();
        hosts.forEach(h -> out.merge(h, 1, Integer::sum));
        return out;
    }
}
