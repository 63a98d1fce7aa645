package io.herd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herd.agent.main.AgentRuntime;
import io.herd.agent.testing.TestConfigs;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.runtime.testing.MetricsScrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's /metrics after real work on libvirt's test driver, with a controller that does not answer. */
class AgentMetricsTest {

    private static final String HEARTBEAT = "herd.v1.AgentRegistry/Heartbeat";

    @TempDir
    Path dir;

    @Test
    void metricsAreOffUnlessConfigured() throws Exception {
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir))) {
            assertThat(agent.metricsPort()).isEqualTo(-1);
        }
    }

    @Test
    void launchesDeletesHypervisorCallsHeartbeatsAndDomainsAreCountedAndServed() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir,
                "metrics.listen", "127.0.0.1:0", "controller_address", "127.0.0.1:" + deadPort,
                "heartbeat_interval_ms", "100"))) {
            ManagedChannel channel = Grpc.newChannelBuilder(agent.address(), InsecureChannelCredentials.create())
                    .build();
            String id = UUID.randomUUID().toString();
            MetricsScrape launched;
            try {
                var stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                LaunchServerRequest launch = LaunchServerRequest.newBuilder().setServerId(id).setName("web-1")
                        .setVcpus(1).setMemoryMib(64).setGroupId("g1").build();
                stub.launchServer(launch);
                stub.launchServer(launch);
                launched = MetricsScrape.of(agent.metricsPort());
                DeleteAgentServerRequest delete = DeleteAgentServerRequest.newBuilder().setServerId(id).build();
                stub.deleteServer(delete);
                stub.deleteServer(delete);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(launched.value("herd_agent_domains{state=\"running\"}")).isGreaterThanOrEqualTo(1.0);

            await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(agent.metricsPort())
                    .value("herd_grpc_client_handled_total{code=\"UNAVAILABLE\",method=\"" + HEARTBEAT + "\"}") > 0);
            MetricsScrape m = MetricsScrape.of(agent.metricsPort());
            assertThat(m.value("herd_agent_launches_total{outcome=\"launched\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_agent_launches_total{outcome=\"already_existed\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_agent_deletes_total{outcome=\"deleted\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_agent_deletes_total{outcome=\"absent\"}")).isEqualTo(1.0);
            assertThat(m.value("herd_agent_hypervisor_call_seconds_count{operation=\"launch\",outcome=\"ok\"}"))
                    .isEqualTo(2.0);
            assertThat(m.value("herd_agent_hypervisor_call_seconds_count{operation=\"delete\",outcome=\"ok\"}"))
                    .isEqualTo(2.0);
            assertThat(m.value("herd_agent_degraded")).isEqualTo(0.0);
            assertThat(m.value("herd_agent_domains{state=\"running\"}"))
                    .isEqualTo(launched.value("herd_agent_domains{state=\"running\"}") - 1);
            assertThat(m.value("herd_grpc_server_handled_total{code=\"OK\","
                    + "method=\"herd.v1.AgentService/LaunchServer\"}")).isEqualTo(2.0);
            assertThat(m.value("herd_grpc_client_handling_seconds_count{method=\"" + HEARTBEAT + "\"}"))
                    .isPositive();
            assertThat(m.value("herd_grpc_client_handled_total{code=\"OK\",method=\"" + HEARTBEAT + "\"}"))
                    .isEqualTo(0.0);
        }
    }
}
