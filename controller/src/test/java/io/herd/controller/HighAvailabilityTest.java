package io.herd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.store.PostgresTestDatabase;
import io.herd.runtime.grpc.Leadership;
import io.herd.runtime.testing.Ports;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on one PostgreSQL database, in this process: one leads, the other stands by
 * and sends every caller to it; when the leader stops, the standby leads with the same state.
 * (Killed and paused leaders, with agents, are tested with real processes in the e2e module.)
 */
class HighAvailabilityTest {

    @TempDir
    Path dir;

    private PostgresTestDatabase db;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        db = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        channels.forEach(ManagedChannel::shutdownNow);
        db.close();
    }

    private ControllerServer start(int port) throws Exception {
        return ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:" + port,
                "store.path", dir.resolve("unused.db").toString(), "store.url", db.target().toString(),
                "ha.lease_ms", "1000"), Map.of(ConfigLoader.PASSWORD_ENV, db.target().password())),
                Clock.systemUTC());
    }

    private ManagedChannel channel(ControllerServer server) {
        ManagedChannel c = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private static ServingStatus health(ManagedChannel c) {
        return HealthGrpc.newBlockingStub(c).check(HealthCheckRequest.newBuilder().build()).getStatus();
    }

    @Test
    void oneControllerLeadsAndTheStandbyNamesItToEveryCaller() throws Exception {
        try (ControllerServer leader = start(Ports.free()); ControllerServer standby = start(Ports.free())) {
            ManagedChannel toLeader = channel(leader);
            ManagedChannel toStandby = channel(standby);
            assertThat(health(toLeader)).isEqualTo(ServingStatus.SERVING);
            assertThat(health(toStandby)).isEqualTo(ServingStatus.NOT_SERVING);

            String id = ServerGroupServiceGrpc.newBlockingStub(toLeader).createServerGroup(
                    CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.ANTI_AFFINITY).build())
                    .getId();
            assertThatThrownBy(() -> ServerGroupServiceGrpc.newBlockingStub(toStandby)
                    .listServerGroups(ListServerGroupsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).contains("standby")
                                .contains("127.0.0.1:" + leader.port());
                        assertThat(Leadership.leaderOf(e)).contains("127.0.0.1:" + leader.port());
                        assertThat(Leadership.fromStandby(e)).isTrue();
                    });
            assertThat(ServerGroupServiceGrpc.newBlockingStub(toLeader).getServerGroup(
                    GetServerGroupRequest.newBuilder().setId(id).build()).getName()).isEqualTo("web");
        }
    }

    @Test
    void whenTheLeaderStopsTheStandbyLeadsAtOnceWithTheSameState() throws Exception {
        ControllerServer first = start(Ports.free());
        try (ControllerServer second = start(Ports.free())) {
            String id;
            try {
                id = ServerGroupServiceGrpc.newBlockingStub(channel(first)).createServerGroup(
                        CreateServerGroupRequest.newBuilder().setName("db").setPolicy(Policy.AFFINITY).build())
                        .getId();
            } finally {
                // a stopping leader releases its lease: the standby need not wait for it to run out
                first.close();
            }
            ManagedChannel toSecond = channel(second);
            await().atMost(Duration.ofSeconds(10)).until(() -> health(toSecond) == ServingStatus.SERVING);
            assertThat(ServerGroupServiceGrpc.newBlockingStub(toSecond).getServerGroup(
                    GetServerGroupRequest.newBuilder().setId(id).build()).getName()).isEqualTo("db");
            ServerGroupServiceGrpc.newBlockingStub(toSecond).createServerGroup(
                    CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.ANTI_AFFINITY).build());
        }
    }
}
