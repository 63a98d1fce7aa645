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

/** Heartbeats from an agent on qemu:///system: real capacity, and a domain destroyed behind its back. */
class HeartbeatQemuTest {

    @TempDir
    Path dir;

    @Test
    void capacityMatchesVirshAndADestroyedDomainIsReportedPromptly() throws Exception {
        String nodeinfo = Virsh.run(Virsh.QEMU, "nodeinfo");
        String id = UUID.randomUUID().toString();
        String domain = "herd-" + id;
        try (FakeRegistry registry = new FakeRegistry();
             AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(Virsh.QEMU, dir, "controller_address",
                     registry.address(), "heartbeat_interval_ms", "60000"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.accepted().isEmpty());
            HeartbeatRequest first = registry.accepted().get(0);
            assertThat(first.getCapacity().getCpus()).isEqualTo(Virsh.nodeinfoField(nodeinfo, "CPU(s)"));
            assertThat(first.getCapacity().getMemoryMib()).isEqualTo(Virsh.nodeinfoField(nodeinfo, "Memory size") / 1024);
            assertThat(first.getAcceleration()).isIn(io.herd.api.v1.Acceleration.ACCELERATION_KVM,
                    io.herd.api.v1.Acceleration.ACCELERATION_TCG);

            ManagedChannel channel = Grpc.newChannelBuilder(agent.address(),
                    InsecureChannelCredentials.create()).build();
            try {
                AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
                stub.launchServer(LaunchServerRequest.newBuilder().setServerId(id).setName("victim")
                        .setVcpus(1).setMemoryMib(64).build());
                assertThat(Virsh.domState(Virsh.QEMU, domain)).isEqualTo("running");

                Virsh.run(Virsh.QEMU, "destroy", domain);
                // the interval is a minute: only the lifecycle event can explain a prompt report
                // (a loaded machine may show QEMU paused on its way down first: wait for shut off)
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.lastAccepted(h ->
                        h.getReason().startsWith("event:") && h.getServersList().stream().anyMatch(s ->
                                s.getServerId().equals(id) && s.getState() == ServerState.SERVER_STATE_STOPPED
                                        && s.getLibvirtState().equals("shutoff"))).isPresent());

                assertThat(stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id).build())
                        .getExisted()).isTrue();
                assertThat(Virsh.domState(Virsh.QEMU, domain)).isEmpty();
            } finally {
                channel.shutdownNow();
            }
        } finally {
            Virsh.forceRemove(Virsh.QEMU, domain);
        }
    }
}
