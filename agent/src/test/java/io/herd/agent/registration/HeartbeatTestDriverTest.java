package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herd.agent.main.AgentRuntime;
import io.herd.agent.testing.FakeRegistry;
import io.herd.agent.testing.TestConfigs;
import io.herd.agent.testing.Virsh;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats from an agent on a test-driver host of a chosen size to a fake registry. */
class HeartbeatTestDriverTest {

    @TempDir
    Path dir;

    @Test
    void firstHeartbeatRegistersTheHostWithItsRealCapacity() throws Exception {
        Path node = Virsh.testNode(dir, 24, 64L * 1024 * 1024);
        String uri = "test://" + node;
        String nodeinfo = Virsh.run(uri, "nodeinfo");
        try (FakeRegistry registry = new FakeRegistry();
             AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(uri, dir, "controller_address",
                     registry.address(), "labels.rack", "r7", "heartbeat_interval_ms", "60000"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.accepted().isEmpty());
            HeartbeatRequest first = registry.accepted().get(0);

            assertThat(first.getReason()).isEqualTo("start");
            assertThat(first.getSequence()).isEqualTo(1);
            assertThat(first.getHostId()).isEqualTo(agent.identity().hostId());
            assertThat(first.getHostName()).isEqualTo("test-host");
            assertThat(first.getAgentAddress()).isEqualTo("unix://" + dir.resolve("state").resolve("agent.sock"));
            assertThat(first.getLabels().getRack()).isEqualTo("r7");
            assertThat(first.getCapacity().getCpus()).isEqualTo(Virsh.nodeinfoField(nodeinfo, "CPU(s)")).isEqualTo(24);
            assertThat(first.getCapacity().getMemoryMib()).isEqualTo(Virsh.nodeinfoField(nodeinfo, "Memory size") / 1024);
            assertThat(first.getAcceleration()).isEqualTo(io.herd.api.v1.Acceleration.ACCELERATION_TEST);
            assertThat(first.getDegraded()).isFalse();
        }
    }

    @Test
    void theControllerSetsTheIntervalAndHeartbeatsReportLaunchesWithoutAnEventHeartbeat() throws Exception {
        String uri = "test://" + Virsh.testNode(dir, 8, 16L * 1024 * 1024);
        try (FakeRegistry registry = new FakeRegistry()) {
            // configured for a minute, the controller asks for 100 ms in its first answer
            registry.answerInterval(100);
            try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(uri, dir, "controller_address",
                    registry.address(), "heartbeat_interval_ms", "60000"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted().stream()
                        .filter(h -> h.getReason().equals("interval")).count() >= 5);
                assertThat(agent.heartbeats().orElseThrow().interval()).isEqualTo(Duration.ofMillis(100));

                ManagedChannel channel = Grpc.newChannelBuilder(agent.address(),
                        InsecureChannelCredentials.create()).build();
                String id = UUID.randomUUID().toString();
                try {
                    AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
                    stub.launchServer(LaunchServerRequest.newBuilder()
                            .setServerId(id).setName("web").setVcpus(2).setMemoryMib(256).build());
                    await().atMost(Duration.ofSeconds(10)).until(() -> registry.lastAccepted(h ->
                            h.getServersList().stream().anyMatch(s ->
                                    s.getServerId().equals(id) && s.getState() == ServerState.SERVER_STATE_ACTIVE))
                            .isPresent());
                    HeartbeatRequest h = registry.lastAccepted(x -> x.getServersCount() == 1).orElseThrow();
                    assertThat(h.getUsage().getVcpus()).isEqualTo(2);
                    assertThat(h.getUsage().getMemoryMib()).isEqualTo(256);

                    stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id).build());
                    int deletedAt = registry.accepted().size();
                    await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted().stream().skip(deletedAt)
                            .anyMatch(x -> x.getServersCount() == 0));
                } finally {
                    channel.shutdownNow();
                }
                // the controller hears of herd's own launch and delete from their answers: their
                // lifecycle events cause no heartbeat of their own
                assertThat(registry.accepted()).noneMatch(x -> x.getReason().contains("herd-" + id));
            }
        }
    }

    @Test
    void anUnreachableControllerIsRetriedWithBackoffUntilItAnswers() throws Exception {
        String uri = "test://" + Virsh.testNode(dir, 4, 8L * 1024 * 1024);
        try (FakeRegistry registry = new FakeRegistry()) {
            registry.refuseNext(4);
            try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(uri, dir, "controller_address",
                    registry.address(), "heartbeat_interval_ms", "100", "heartbeat_max_backoff_ms", "400"))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !registry.accepted().isEmpty());
                assertThat(registry.all()).hasSizeGreaterThanOrEqualTo(5);
                assertThat(registry.all().subList(0, 4)).allMatch(h -> h.getReason().startsWith("REFUSED"));
                HeartbeatRequest firstAccepted = registry.accepted().get(0);
                assertThat(firstAccepted.getSequence()).isEqualTo(5);
                assertThat(agent.heartbeats().orElseThrow().acknowledged()).isPositive();
            }
        }
    }
}
