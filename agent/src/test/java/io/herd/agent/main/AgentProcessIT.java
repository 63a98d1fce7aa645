package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herd.agent.testing.FakeRegistry;
import io.herd.agent.testing.Virsh;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.ServerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a real process: it registers, serves AgentService on its Unix socket, stops
 * cleanly on SIGTERM, and after a SIGKILL the next agent takes over the socket left behind.
 */
class AgentProcessIT {

    @TempDir
    Path dir;

    private Path config() throws IOException {
        String uri = "test://" + Virsh.testNode(dir, 16, 32L * 1024 * 1024);
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "libvirt_uri: " + uri + "\nport: 0\nimage_dir: " + dir.resolve("images")
                + "\nstate_dir: " + dir.resolve("state") + "\nlabels:\n  rack: r1\n  zone: z1\n");
        return config;
    }

    /** The packaged agent, its output appended to agent.log. */
    private Process start(Path config, FakeRegistry registry) throws IOException {
        Path jar = Path.of("target", "herd-agent.jar");
        assertThat(jar).exists();
        return new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--config", config.toString(), "--controller", registry.address(), "--host-name", "proc-host"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()))
                .start();
    }

    private static String hostIdAt(String address) {
        ManagedChannel channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
        try {
            return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getHostInfo(GetHostInfoRequest.getDefaultInstance()).getHostId();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theJarRegistersLaunchesAndStopsOnSigterm() throws Exception {
        Path config = config();
        try (FakeRegistry registry = new FakeRegistry()) {
            Process agent = start(config, registry);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !registry.accepted().isEmpty());
                HeartbeatRequest first = registry.accepted().get(0);
                assertThat(first.getAgentAddress()).isEqualTo("unix://" + dir.resolve("state").resolve("agent.sock"));
                assertThat(first.getHostName()).isEqualTo("proc-host");
                assertThat(first.getLabels().getRack()).isEqualTo("r1");
                assertThat(first.getCapacity().getCpus()).isEqualTo(16);
                assertThat(first.getCapacity().getMemoryMib()).isEqualTo(32 * 1024);

                ManagedChannel channel = Grpc.newChannelBuilder(first.getAgentAddress(),
                        InsecureChannelCredentials.create()).build();
                try {
                    AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(30, TimeUnit.SECONDS);
                    String id = UUID.randomUUID().toString();
                    LaunchServerResponse launched = stub.launchServer(LaunchServerRequest.newBuilder()
                            .setServerId(id).setName("in-a-process").setVcpus(4).setMemoryMib(1024).build());
                    assertThat(launched.getServer().getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
                    await().atMost(Duration.ofSeconds(10)).until(() -> registry.lastAccepted(h ->
                            h.getServersList().stream().anyMatch(s -> s.getServerId().equals(id))).isPresent());
                    assertThat(stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id).build())
                            .getExisted()).isTrue();
                } finally {
                    channel.shutdownNow();
                }

                agent.destroy(); // SIGTERM
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).isEqualTo(143);
                assertThat(Files.readString(dir.resolve("agent.log"))).contains("stopping herd-agent");
                assertThat(dir.resolve("state").resolve("agent.sock")).as("removed at a clean stop").doesNotExist();
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void anAgentStartedAfterAKilledOneReplacesTheSocketItLeft() throws Exception {
        Path config = config();
        Path socket = dir.resolve("state").resolve("agent.sock");
        try (FakeRegistry registry = new FakeRegistry()) {
            Process killed = start(config, registry);
            String hostId;
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !registry.accepted().isEmpty());
                hostId = hostIdAt("unix://" + socket);
            } finally {
                killed.destroyForcibly(); // SIGKILL: no shutdown hook removes the socket
                assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(socket).as("left by the killed agent").exists();

            int before = registry.accepted().size();
            Process again = start(config, registry);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> registry.accepted().size() > before);
                assertThat(hostIdAt("unix://" + socket)).isEqualTo(hostId);
                assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            } finally {
                again.destroy();
                assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
