package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.ServerCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.herd.agent.testing.FakeRegistry;
import io.herd.agent.testing.LogCapture;
import io.herd.agent.testing.TestConfigs;
import io.herd.runtime.testing.TestCa;
import io.herd.agent.testing.Virsh;
import io.herd.agent.registration.HeartbeatSender;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ServerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With TLS files configured, the agent talks mutual TLS both ways: AgentService serves only a
 * controller's certificate, and heartbeats go only to a controller's.
 */
class MutualTlsTest {

    @TempDir
    static Path dir;
    static TestCa pki;
    static Path controllerCert;
    static Path agentCert;
    static Path operatorCert;
    static FakeRegistry registry;
    static AgentRuntime agent;

    @BeforeAll
    static void start() throws Exception {
        pki = TestCa.create(dir.resolve("pki"));
        controllerCert = pki.issue("controller", "controller", "localhost", "127.0.0.1").cert();
        agentCert = pki.issue("agent", "hv1", "127.0.0.1").cert();
        operatorCert = pki.issue("operator", "alice").cert();
        registry = new FakeRegistry(serverCredentials(controllerCert));
        agent = AgentRuntime.start(TestConfigs.agent("test://" + Virsh.testNode(dir, 8, 16L * 1024 * 1024),
                dir.resolve("hv1"), tls(agentCert, "controller_address", registry.address())));
    }

    @AfterAll
    static void stop() {
        agent.close();
        registry.close();
    }

    /** The agent's tls.* keys for {@code cert}, then {@code more} keys and values. */
    private static String[] tls(Path cert, String... more) {
        List<String> kv = new ArrayList<>(List.of("tls.cert_file", cert.toString(),
                "tls.key_file", keyOf(cert).toString(), "tls.ca_file", pki.caFile().toString()));
        kv.addAll(List.of(more));
        return kv.toArray(String[]::new);
    }

    private static ServerCredentials serverCredentials(Path cert) throws IOException {
        return TlsServerCredentials.newBuilder()
                .keyManager(cert.toFile(), keyOf(cert).toFile())
                .trustManager(pki.caFile().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    private static ChannelCredentials presenting(Path cert) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(cert.toFile(), keyOf(cert).toFile())
                    .trustManager(pki.caFile().toFile())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one call on a channel to the agent with these credentials. */
    private static <T> T call(ChannelCredentials credentials,
                              Function<AgentServiceGrpc.AgentServiceBlockingStub, T> what) {
        ManagedChannel channel = Grpc.newChannelBuilder(agent.address(), credentials).build();
        try {
            return what.apply(AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }

    private static LaunchServerRequest launch(String id) {
        return LaunchServerRequest.newBuilder().setServerId(id).setName("tls-" + id.substring(0, 8)).setVcpus(1)
                .setMemoryMib(64).build();
    }

    private static List<String> serverIds() {
        return call(presenting(controllerCert), stub -> stub.listServers(ListAgentServersRequest.getDefaultInstance()))
                .getServersList().stream().map(AgentServer::getServerId).toList();
    }

    private static void assertDenied(Runnable call, String presented) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo("AgentService accepts only a herd controller's "
                    + "certificate (OU=controller); the caller presented " + presented);
        });
    }

    private static void assertUnavailable(ChannelCredentials credentials) {
        assertThatThrownBy(() -> call(credentials, stub -> stub.listServers(ListAgentServersRequest.getDefaultInstance())))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void theAgentServesTcpWithTlsAndNoSocket() {
        assertThat(agent.port()).isPositive();
        assertThat(agent.address()).isEqualTo("127.0.0.1:" + agent.port());
        assertThat(dir.resolve("hv1").resolve("state").resolve("agent.sock")).doesNotExist();
    }

    @Test
    void aControllerCertificateLaunchesListsAndDeletes() {
        String id = UUID.randomUUID().toString();
        ChannelCredentials controller = presenting(controllerCert);
        assertThat(call(controller, stub -> stub.launchServer(launch(id))).getServer().getState())
                .isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        assertThat(serverIds()).contains(id);
        assertThat(call(controller, stub -> stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id)
                .build())).getExisted()).isTrue();
        assertThat(serverIds()).doesNotContain(id);
    }

    @Test
    void anAgentsOrAnOperatorsCertificateIsDeniedAndChangesNothing() {
        String kept = UUID.randomUUID().toString();
        call(presenting(controllerCert), stub -> stub.launchServer(launch(kept)));
        try {
            for (Path cert : List.of(agentCert, operatorCert)) {
                String presented = cert == agentCert ? "certificate CN=hv1 (agent)" : "certificate CN=alice (operator)";
                ChannelCredentials creds = presenting(cert);
                String id = UUID.randomUUID().toString();
                assertDenied(() -> call(creds, stub -> stub.launchServer(launch(id))), presented);
                assertDenied(() -> call(creds, stub -> stub.deleteServer(DeleteAgentServerRequest.newBuilder()
                        .setServerId(kept).build())), presented);
                assertDenied(() -> call(creds, stub -> stub.listServers(ListAgentServersRequest.getDefaultInstance())),
                        presented);
                assertThat(serverIds()).as("domains after calls with %s", presented).containsExactly(kept);
            }
        } finally {
            call(presenting(controllerCert), stub -> stub.deleteServer(DeleteAgentServerRequest.newBuilder()
                    .setServerId(kept).build()));
        }
    }

    @Test
    void withoutACertificateOfTheCaTheHandshakeFails() throws IOException {
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(pki.caFile().toFile())
                .build();
        assertUnavailable(noCertificate);
        assertUnavailable(InsecureChannelCredentials.create());
        // a controller certificate from another CA
        assertUnavailable(presenting(TestCa.create(dir.resolve("rogue")).issue("controller", "controller",
                "127.0.0.1").cert()));
        assertThat(serverIds()).isEmpty();
    }

    @Test
    void healthAnswersWhicheverRoleTheCertificateNames() {
        for (Path cert : List.of(controllerCert, agentCert, operatorCert)) {
            ManagedChannel channel = Grpc.newChannelBuilder(agent.address(), presenting(cert)).build();
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService("herd.v1.AgentService").build())
                        .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void heartbeatsPresentTheAgentsCertificateToTheController() {
        await().atMost(Duration.ofSeconds(15)).until(() -> !registry.accepted().isEmpty());
        assertThat(registry.accepted().get(0).getHostId()).isEqualTo(agent.identity().hostId());
        assertThat(registry.accepted().get(0).getAgentAddress()).isEqualTo("127.0.0.1:" + agent.port());
    }

    @Test
    void heartbeatsGoOnlyToACertificateWithTheControllerRole() throws Exception {
        try (LogCapture log = LogCapture.of(HeartbeatSender.class);
             FakeRegistry impostor = new FakeRegistry(serverCredentials(agentCert));
             AgentRuntime other = AgentRuntime.start(TestConfigs.agent("test:///default", dir.resolve("hv2"),
                     tls(agentCert, "controller_address", impostor.address())))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> log.contains(
                    "the peer's certificate CN=hv1 (agent) is not a herd controller certificate (OU=controller)"));
            assertThat(impostor.all()).as("heartbeats that reached a server with an agent's certificate").isEmpty();
            assertThat(other.heartbeats().orElseThrow().acknowledged()).isZero();
        }
    }

    /** The key make-certs.sh wrote beside a certificate. */
    private static Path keyOf(Path cert) {
        String file = cert.getFileName().toString();
        return cert.resolveSibling(file.substring(0, file.length() - ".pem".length()) + ".key");
    }
}
