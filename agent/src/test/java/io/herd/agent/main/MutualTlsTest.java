package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.herd.agent.testing.FakeRegistry;
import io.herd.agent.testing.TestConfigs;
import io.herd.agent.testing.TestPki;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.GetHostInfoRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With TLS files configured, the agent talks mutual TLS both ways. */
class MutualTlsTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static Path agentCert;
    static Path clientCert;
    static FakeRegistry registry;
    static AgentRuntime agent;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "herd-test-ca");
        agentCert = pki.issue("agent");
        clientCert = pki.issue("controller");
        registry = new FakeRegistry(TlsServerCredentials.newBuilder()
                .keyManager(clientCert.toFile(), TestPki.keyOf(clientCert).toFile())
                .trustManager(pki.ca().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build());
        agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir,
                "tls.cert_file", agentCert.toString(),
                "tls.key_file", TestPki.keyOf(agentCert).toString(),
                "tls.ca_file", pki.ca().toString(),
                "controller_address", registry.address()));
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        registry.close();
    }

    private static String hostIdOver(ChannelCredentials credentials) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + agent.port(), credentials).build();
        try {
            return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getHostInfo(GetHostInfoRequest.getDefaultInstance()).getHostId();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aClientWithACertificateFromTheCaIsServed() throws Exception {
        ChannelCredentials creds = TlsChannelCredentials.newBuilder()
                .keyManager(clientCert.toFile(), TestPki.keyOf(clientCert).toFile())
                .trustManager(pki.ca().toFile())
                .build();
        assertThat(hostIdOver(creds)).isEqualTo(agent.identity().hostId());
    }

    @Test
    void clientsWithoutSuchACertificateAreRefused() throws Exception {
        ChannelCredentials noCert = TlsChannelCredentials.newBuilder().trustManager(pki.ca().toFile()).build();
        assertThatThrownBy(() -> hostIdOver(noCert)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        TestPki rogue = TestPki.create(dir.resolve("rogue"), "rogue-ca");
        Path rogueCert = rogue.issue("intruder");
        ChannelCredentials rogueCreds = TlsChannelCredentials.newBuilder()
                .keyManager(rogueCert.toFile(), TestPki.keyOf(rogueCert).toFile())
                .trustManager(pki.ca().toFile())
                .build();
        assertThatThrownBy(() -> hostIdOver(rogueCreds)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        assertThatThrownBy(() -> hostIdOver(InsecureChannelCredentials.create()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void heartbeatsPresentTheAgentsCertificateToTheController() {
        await().atMost(Duration.ofSeconds(15)).until(() -> !registry.accepted().isEmpty());
        assertThat(registry.accepted().get(0).getHostId()).isEqualTo(agent.identity().hostId());
    }
}
