package io.herd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteAgentServerResponse;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.core.FakeClock;
import io.herd.runtime.testing.MetricsScrape;
import io.herd.runtime.testing.Ports;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerMetricsTest {

    private static final String CREATE = "herd.v1.ServerService/CreateServers";

    @TempDir
    Path dir;

    @Test
    void metricsAreOffUnlessConfigured() throws Exception {
        ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString()));
        try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
            assertThat(server.metricsPort()).isEqualTo(-1);
        }
    }

    /**
     * A create refused for want of hosts; then a host heartbeats and a server placed on it
     * fails to launch (its agent does not answer), finds no other host and goes to ERROR.
     */
    @Test
    void placementsLaunchesStatesAndCallsAreCountedAndServed() throws Exception {
        int deadPort = Ports.free();
        ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "metrics.listen", "127.0.0.1:0",
                "launch.timeout_ms", "2000"));
        try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .build();
            try {
                ServerGroupServiceGrpc.newBlockingStub(channel).createServerGroup(
                        CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.ANTI_AFFINITY).build());
                var servers = ServerServiceGrpc.newBlockingStub(channel);
                CreateServersRequest create = CreateServersRequest.newBuilder().setName("web").setVcpus(1)
                        .setMemoryMib(256).setGroupId("web").build();
                assertThatThrownBy(() -> servers.createServers(create))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

                AgentRegistryGrpc.newBlockingStub(channel).heartbeat(HeartbeatRequest.newBuilder().setHostId("hv1")
                        .setHostName("hv1").setAgentAddress("127.0.0.1:" + deadPort)
                        .setCapacity(HostCapacity.newBuilder().setCpus(8).setMemoryMib(16_384).setDiskFreeGib(100)
                                .setDiskTotalGib(100).setCpuAllocationRatio(1).setRamAllocationRatio(1)).build());
                servers.createServers(create);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(server.metricsPort())
                    .value("herd_servers{status=\"error\"}") == 1.0);
            MetricsScrape m = MetricsScrape.of(server.metricsPort());
            // the refused create, then the retry after the failed launch (its only host avoided)
            assertThat(m.value("herd_placement_decisions_total{outcome=\"no_valid_host\"}")).isEqualTo(2.0);
            assertThat(m.value("herd_placement_decisions_total{outcome=\"placed\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_placement_decision_seconds_count")).isEqualTo(3.0);
            assertThat(m.value("herd_placement_claims_total")).isEqualTo(1.0);
            assertThat(m.value("herd_placement_refusals_total{reason=\"none\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_placement_refusals_total{reason=\"host_avoided\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_launches_total{outcome=\"failed\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_launch_seconds_count{outcome=\"failed\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_launch_retries_total")).isEqualTo(0.0);
            assertThat(m.value("herd_servers{status=\"active\"}")).isEqualTo(0.0);
            assertThat(m.value("herd_hosts{state=\"up\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_hosts{state=\"down\"}")).isEqualTo(0.0);
            assertThat(m.value("herd_host_heartbeat_age_seconds_count")).isEqualTo(1.0);
            assertThat(m.text()).contains("herd_groups_non_compliant 0.0");
            assertThat(m.value("herd_store_commit_batch_size_count")).isPositive();
            assertThat(m.value("herd_store_commit_failures_total")).isEqualTo(0.0);
            assertThat(m.value("herd_grpc_server_handled_total{code=\"RESOURCE_EXHAUSTED\",method=\"" + CREATE
                    + "\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_grpc_server_handled_total{code=\"OK\",method=\"" + CREATE + "\"}"))
                    .isEqualTo(1.0);
            assertThat(m.value("herd_grpc_server_handled_total{code=\"OK\","
                    + "method=\"herd.v1.AgentRegistry/Heartbeat\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_hosts_marked_down_total")).isEqualTo(0.0);
            assertThat(m.text()).contains("jvm_threads_current");
        }
    }

    /**
     * On a fake clock: a server whose launch the agent holds for 2.5 s turns ACTIVE; its host
     * then stops heartbeating, goes DOWN, and after the grace period the server is evacuated to
     * the other host and is ACTIVE there, which is not a first ACTIVE. Meanwhile the compute
     * API answers a few requests.
     */
    @Test
    void evacuationsMovesTimeToActiveAndHttpRequestsAreCounted() throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        HeldAgent agent = new HeldAgent();
        Server agentServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                InsecureServerCredentials.create()).addService(agent).build().start();
        ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "metrics.listen", "127.0.0.1:0",
                "nova_api.listen", "127.0.0.1:0", "heartbeat_interval_ms", "1000",
                "evacuation.grace_period_ms", "10000", "evacuation.default_on_host_failure", "evacuate"));
        try (ControllerServer server = ControllerServer.start(config, clock)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .build();
            try {
                var registry = AgentRegistryGrpc.newBlockingStub(channel);
                String agentAddress = "127.0.0.1:" + agentServer.getPort();
                registry.heartbeat(heartbeat("hv1", agentAddress));
                registry.heartbeat(heartbeat("hv2", agentAddress));
                ServerGroupServiceGrpc.newBlockingStub(channel).createServerGroup(
                        CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.ANTI_AFFINITY).build());
                String dead = ServerServiceGrpc.newBlockingStub(channel).createServers(CreateServersRequest
                        .newBuilder().setName("web").setVcpus(1).setMemoryMib(256).setGroupId("web").build())
                        .getServers(0).getHostId();
                String alive = dead.equals("hv1") ? "hv2" : "hv1";

                assertThat(agent.launching.await(30, TimeUnit.SECONDS)).isTrue();
                clock.advance(Duration.ofMillis(2500));
                agent.release.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(server.metricsPort())
                        .value("herd_servers{status=\"active\"}") == 1.0);

                // the host holding the server falls silent
                clock.advance(Duration.ofSeconds(4));
                registry.heartbeat(heartbeat(alive, agentAddress));
                await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(server.metricsPort())
                        .value("herd_hosts{state=\"down\"}") == 1.0);
                clock.advance(Duration.ofSeconds(11));
                registry.heartbeat(heartbeat(alive, agentAddress));
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.launched.get() == 2
                        && MetricsScrape.of(server.metricsPort()).value("herd_servers{status=\"active\"}") == 1.0);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.novaApiPort();
            assertThat(get(http, base + "/v2.1/servers")).isEqualTo(200);
            assertThat(get(http, base + "/v2.1/servers/no-such-server")).isEqualTo(404);
            assertThat(get(http, base + "/v2.1/flavors")).isEqualTo(200);
            assertThat(get(http, base + "/no/such/path")).isEqualTo(404);

            MetricsScrape m = MetricsScrape.of(server.metricsPort());
            assertThat(m.value("herd_evacuations_total{trigger=\"host_down\"}")).isEqualTo(1.0);
            // the dead host at least; the live one too if a liveness check ran between a clock jump and its heartbeat
            assertThat(m.value("herd_hosts_marked_down_total")).isGreaterThanOrEqualTo(1.0);
            assertThat(m.value("herd_evacuations_total{trigger=\"operator\"}")).isEqualTo(0.0);
            assertThat(m.value("herd_server_moves_total{reason=\"evacuation\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_server_moves_total{reason=\"migration\"}")).isEqualTo(0.0);
            assertThat(m.value("herd_server_moves_total{reason=\"launch_retry\"}")).isEqualTo(0.0);
            assertThat(m.text()).contains("herd_server_moves_total{reason=\"launch_retry\"} 0.0");
            // the first ACTIVE only, 2.5 s after the creation on the controller's clock
            assertThat(m.value("herd_server_time_to_active_seconds_count")).isEqualTo(1.0);
            assertThat(m.value("herd_server_time_to_active_seconds_sum")).isEqualTo(2.5);
            assertThat(m.value("herd_server_time_to_active_seconds_bucket{le=\"2.0\"}")).isEqualTo(0.0);
            assertThat(m.value("herd_server_time_to_active_seconds_bucket{le=\"5.0\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_launches_total{outcome=\"succeeded\"}")).isEqualTo(2.0);
            assertThat(m.value("herd_http_server_handled_total{code=\"200\",method=\"GET\",route=\"servers\"}"))
                    .isEqualTo(1.0);
            assertThat(m.value("herd_http_server_handled_total{code=\"404\",method=\"GET\",route=\"servers\"}"))
                    .isEqualTo(1.0);
            assertThat(m.value("herd_http_server_handled_total{code=\"200\",method=\"GET\",route=\"flavors\"}"))
                    .isEqualTo(1.0);
            assertThat(m.value("herd_http_server_handled_total{code=\"404\",method=\"GET\",route=\"other\"}"))
                    .isEqualTo(1.0);
            assertThat(m.value("herd_http_server_handling_seconds_count{method=\"GET\",route=\"servers\"}"))
                    .isEqualTo(2.0);
        } finally {
            agentServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static HeartbeatRequest heartbeat(String host, String agentAddress) {
        return HeartbeatRequest.newBuilder().setHostId(host).setHostName(host).setAgentAddress(agentAddress)
                .setCapacity(HostCapacity.newBuilder().setCpus(8).setMemoryMib(16_384).setDiskFreeGib(100)
                        .setDiskTotalGib(100).setCpuAllocationRatio(1).setRamAllocationRatio(1)).build();
    }

    private static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** An agent whose first launch waits until the test releases it; every launch and delete succeeds. */
    private static final class HeldAgent extends AgentServiceGrpc.AgentServiceImplBase {
        final CountDownLatch launching = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger launched = new AtomicInteger();

        @Override
        public void launchServer(LaunchServerRequest request, StreamObserver<LaunchServerResponse> out) {
            launching.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    out.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.onError(Status.CANCELLED.asRuntimeException());
                return;
            }
            launched.incrementAndGet();
            out.onNext(LaunchServerResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void deleteServer(DeleteAgentServerRequest request, StreamObserver<DeleteAgentServerResponse> out) {
            out.onNext(DeleteAgentServerResponse.getDefaultInstance());
            out.onCompleted();
        }
    }
}
