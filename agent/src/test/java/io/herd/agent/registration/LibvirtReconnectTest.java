package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.herd.agent.main.AgentRuntime;
import io.herd.agent.testing.FakeRegistry;
import io.herd.agent.testing.TestConfigs;
import io.herd.agent.testing.UnixSocketProxy;
import io.herd.agent.testing.Virsh;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.LaunchServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirtd going away and coming back, seen by one agent through a socket proxy of the test's
 * own (the machine's libvirtd is shared and stays up): the agent stays up, reports itself
 * degraded, refuses launches with UNAVAILABLE, and recovers by itself.
 */
class LibvirtReconnectTest {

    @TempDir
    Path dir;

    @Test
    void theAgentSurvivesLibvirtdGoingAwayAndReconnects() throws Exception {
        Path libvirtSock = Files.exists(Path.of("/run/libvirt/libvirt-sock"))
                ? Path.of("/run/libvirt/libvirt-sock") : Path.of("/var/run/libvirt/libvirt-sock");
        try (UnixSocketProxy proxy = new UnixSocketProxy(dir.resolve("libvirt.sock"), libvirtSock);
             FakeRegistry registry = new FakeRegistry()) {
            proxy.start();
            String uri = "qemu+unix:///system?socket=" + proxy.path();
            try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(uri, dir, "controller_address",
                    registry.address(), "heartbeat_interval_ms", "60000", "libvirt_reconnect_max_ms", "500"))) {
                ManagedChannel channel = Grpc.newChannelBuilder(agent.address(),
                        InsecureChannelCredentials.create()).build();
                try {
                    AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
                    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                    assertThat(stub.getHostInfo(GetHostInfoRequest.getDefaultInstance()).getDegraded()).isFalse();
                    await().atMost(Duration.ofSeconds(10)).until(() -> !registry.accepted().isEmpty());

                    proxy.stop();
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            registry.lastAccepted(h -> h.getDegraded()).isPresent());
                    assertThat(stub.getHostInfo(GetHostInfoRequest.getDefaultInstance()).getDegradedReason())
                            .isNotEmpty();
                    assertThat(health.check(HealthCheckRequest.newBuilder().setService("herd.v1.AgentService")
                            .build()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
                    String id = UUID.randomUUID().toString();
                    assertThatThrownBy(() -> stub.launchServer(LaunchServerRequest.newBuilder().setServerId(id)
                            .setName("while-down").setVcpus(1).setMemoryMib(64).build()))
                            .isInstanceOfSatisfying(StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

                    // at least one reconnect attempt fails before libvirtd "comes back"
                    await().atMost(Duration.ofSeconds(30)).until(() -> stub.getHostInfo(
                            GetHostInfoRequest.getDefaultInstance()).getDegradedReason().startsWith("cannot connect"));
                    int seen = registry.accepted().size();
                    proxy.start();
                    await().atMost(Duration.ofSeconds(30)).until(() -> registry.accepted().stream().skip(seen)
                            .anyMatch(h -> !h.getDegraded() && h.getReason().contains("libvirt connected")));
                    assertThat(stub.getHostInfo(GetHostInfoRequest.getDefaultInstance()).getDegraded()).isFalse();
                    assertThat(health.check(HealthCheckRequest.newBuilder().setService("herd.v1.AgentService")
                            .build()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                    assertThat(Virsh.domState(Virsh.QEMU, "herd-" + id)).isEmpty();
                } finally {
                    channel.shutdownNow();
                }
            }
        }
    }
}
