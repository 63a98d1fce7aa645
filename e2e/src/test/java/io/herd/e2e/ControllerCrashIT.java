package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.Host;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the controller in the middle of a burst of creates, then a restart on the same store. */
class ControllerCrashIT {

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcknowledgedServerSurvivesAndNothingIsLaunchedTwiceOrOrphaned() throws Exception {
        cluster = new Cluster(dir);
        cluster.startTestAgents(List.of(
                new Cluster.HostShape("c1", 8, 16_384, "r1", "z1"),
                new Cluster.HostShape("c2", 8, 16_384, "r2", "z1"),
                new Cluster.HostShape("c3", 16, 32_768, "r3", "z2")), "--set", "cpu_allocation_ratio=16");
        String group = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("crash")
                .setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST).setMaxPerDomain(200).build()).getId();

        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String requestId = "crash-req-" + i;
            calls.add(pool.submit(() -> {
                try {
                    CreateServersResponse r = cluster.servers.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .createServers(CreateServersRequest.newBuilder().setName(requestId).setVcpus(1)
                                    .setMemoryMib(32).setGroupId(group).setRequestId(requestId).build());
                    acknowledged.put(requestId, r.getServersList().stream().map(Server::getId).toList());
                } catch (StatusRuntimeException e) {
                    failed.incrementAndGet();
                }
            }));
        }
        await("part of the burst acknowledged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> acknowledged.size() >= 60);
        cluster.controller.kill9();
        for (Future<?> f : calls) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(failed.get()).as("calls cut off by the kill").isPositive();
        int acked = acknowledged.size();

        cluster.startController();
        cluster.awaitHostsUp(List.of("c1", "c2", "c3"));

        // every acknowledged server is there, with the ids the client was given
        Map<String, Server> known = new HashMap<>();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                known.clear();
                cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()
                        .forEach(s -> known.put(s.getId(), s));
                return known.values().stream().allMatch(s -> s.getState() == ServerState.SERVER_STATE_ACTIVE);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<ServerState, Long> states = new HashMap<>();
            known.values().forEach(s -> states.merge(s.getState(), 1L, Long::sum));
            throw new AssertionError("not all ACTIVE: " + states + "; e.g. " + known.values().stream()
                    .filter(s -> s.getState() != ServerState.SERVER_STATE_ACTIVE).findFirst().orElseThrow()
                    + "\ncontroller log:\n" + cluster.controller.tail(), e);
        }
        acknowledged.values().forEach(ids -> assertThat(known).containsKeys(ids.toArray(String[]::new)));
        // a repeated request id is answered from the store, launching nothing
        Map.Entry<String, List<String>> one = acknowledged.entrySet().iterator().next();
        CreateServersResponse replay = cluster.servers.createServers(CreateServersRequest.newBuilder()
                .setName(one.getKey()).setVcpus(1).setMemoryMib(32).setGroupId(group).setRequestId(one.getKey())
                .build());
        assertThat(replay.getReplayed()).isTrue();
        assertThat(replay.getServersList()).extracting(Server::getId).containsExactlyElementsOf(one.getValue());

        // independent check: each domain runs on exactly one agent, the host the controller
        // recorded; no domain without a server; no server without its domain
        Map<String, String> domainHost = new HashMap<>();
        for (Map.Entry<String, List<AgentServer>> e : cluster.domainsByHost().entrySet()) {
            for (AgentServer d : e.getValue()) {
                assertThat(domainHost.put(d.getServerId(), e.getKey())).as("domain %s on two hosts", d.getServerId())
                        .isNull();
            }
        }
        assertThat(domainHost.keySet()).isEqualTo(known.keySet());
        known.values().forEach(s -> assertThat(domainHost.get(s.getId())).isEqualTo(s.getHostName()));
        for (Host h : cluster.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList()) {
            assertThat(h.getUnknownServerIdsList()).isEmpty();
        }
        Set<String> ackedIds = new HashSet<>();
        acknowledged.values().forEach(ackedIds::addAll);
        assertThat(ackedIds).hasSize(acked);
        assertThat(known.size()).isGreaterThanOrEqualTo(acked);
    }
}
