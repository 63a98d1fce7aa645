package io.herd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.runtime.testing.MetricsScrape;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
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
            assertThat(m.text()).contains("jvm_threads_current");
        }
    }
}
