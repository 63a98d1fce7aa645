package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.herd.agent.testing.TestConfigs;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Without TLS (and without insecure) AgentService is served on a Unix socket only its owner may use. */
class UnixSocketTest {

    @TempDir
    Path dir;

    private AgentRuntime start(String name, String... keyValues) throws IOException {
        return AgentRuntime.start(TestConfigs.agent("test:///default", dir.resolve(name), keyValues));
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

    private static HealthCheckResponse.ServingStatus healthAt(String address) {
        ManagedChannel channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void withoutTlsTheAgentHasNoTcpPortAndItsSocketIsItsOwnersOnly() throws Exception {
        int port = Ports.free();
        Path socket = dir.resolve("a").resolve("state").resolve("agent.sock");
        try (AgentRuntime agent = start("a", "listen_address", "0.0.0.0", "port", Integer.toString(port))) {
            assertThat(agent.port()).isEqualTo(-1);
            assertThat(agent.address()).isEqualTo("unix://" + socket);
            assertThat(Files.isRegularFile(socket)).isFalse();
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .as("a TCP connection to the configured port").isInstanceOf(ConnectException.class);
            assertThat(hostIdAt(agent.address())).isEqualTo(agent.identity().hostId());
            assertThat(healthAt(agent.address())).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
        assertThat(socket).as("removed when the agent stops").doesNotExist();
    }

    @Test
    void aSecondAgentOnTheSameSocketIsRefusedWhileTheFirstRuns() throws Exception {
        String socket = dir.resolve("shared.sock").toString();
        try (AgentRuntime first = start("a", "socket_path", socket)) {
            assertThatThrownBy(() -> start("b", "socket_path", socket))
                    .isInstanceOf(IOException.class).hasMessageContaining(socket + " is in use");

            StringWriter err = new StringWriter();
            CommandLine main = new CommandLine(new AgentMain());
            main.setErr(new PrintWriter(err));
            assertThat(main.execute("--libvirt-uri", "test:///default", "--socket-path", socket,
                    "--state-dir", dir.resolve("c").resolve("state").toString(),
                    "--image-dir", dir.resolve("c").resolve("images").toString(), "--image-pool", "herd-socket-c"))
                    .as("herd-agent's exit status").isEqualTo(1);

            assertThat(hostIdAt(first.address())).as("the first agent still answers")
                    .isEqualTo(first.identity().hostId());
        }
        try (AgentRuntime second = start("b", "socket_path", socket)) {
            assertThat(hostIdAt(second.address())).isEqualTo(second.identity().hostId());
        }
    }

    @Test
    void aStaleSocketNobodyAnswersOnIsReplaced() throws Exception {
        Path socket = dir.resolve("stale.sock");
        // bound, then closed without removing the file: what a killed agent leaves behind
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        try (AgentRuntime agent = start("a", "socket_path", socket.toString())) {
            assertThat(hostIdAt(agent.address())).isEqualTo(agent.identity().hostId());
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }
}
