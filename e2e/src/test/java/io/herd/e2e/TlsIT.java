package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With certificate files, the public API is TLS and controller ↔ agent traffic is mutual TLS
 * both ways; an agent serves only the controller's certificate.
 */
class TlsIT {

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void heartbeatsAndLaunchesGoOverMutualTlsAndPlaintextIsRefused() throws Exception {
        cluster = new Cluster(dir, TestPki.create(dir.resolve("pki")));
        cluster.startTestAgents(List.of(new Cluster.HostShape("secure", 4, 8_192, "r1", "z1")));
        Server s = cluster.servers.createServers(CreateServersRequest.newBuilder().setName("tls").setVcpus(1)
                .setMemoryMib(64).build()).getServers(0);
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.servers.getServer(
                GetServerRequest.newBuilder().setId(s.getId()).build()).getState() == ServerState.SERVER_STATE_ACTIVE);
        assertThat(cluster.domainsByHost().get("secure")).extracting(d -> d.getServerId()).containsExactly(s.getId());

        // the agent serves only the controller's certificate, not the client's that the API takes
        ManagedChannel asAdmin = Grpc.newChannelBuilder(cluster.agentAddress("secure"),
                cluster.tls.presenting(Cluster.Tls.CLIENT)).build();
        try {
            assertThatThrownBy(() -> AgentServiceGrpc.newBlockingStub(asAdmin).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listServers(ListAgentServersRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription())
                                .endsWith("presented certificate CN=" + Cluster.Tls.CLIENT + " (admin)");
                    });
        } finally {
            asAdmin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.controllerPort)
                .usePlaintext().build();
        try {
            assertThatThrownBy(() -> HostServiceGrpc.newBlockingStub(plaintext).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listHosts(ListHostsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
