package io.herd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.store.PostgresTestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerServerTest {

    @TempDir
    Path dir;

    @Test
    void servesTheApiReflectionAndHealthOnOnePortAndKeepsStateAcrossRestarts() throws Exception {
        ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString()));
        String groupId;
        try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.getDefaultInstance());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                assertThat(listServices(channel)).contains("herd.v1.ServerGroupService", "herd.v1.ServerService",
                        "herd.v1.HostService", "herd.v1.FlavorService", "herd.v1.AgentRegistry", "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
                groupId = ServerGroupServiceGrpc.newBlockingStub(channel).createServerGroup(
                        CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.ANTI_AFFINITY).build())
                        .getId();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                assertThat(ServerGroupServiceGrpc.newBlockingStub(channel)
                        .getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build()).getId())
                        .isEqualTo(groupId);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void keepsItsStateInPostgresWhenStoreUrlIsSet() throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                    "store.path", dir.resolve("unused.db").toString(), "store.url", db.target().toString()),
                    Map.of(ConfigLoader.PASSWORD_ENV, db.target().password()));
            String groupId;
            try (ControllerServer server = ControllerServer.start(config, Clock.systemUTC())) {
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                        .build();
                try {
                    groupId = ServerGroupServiceGrpc.newBlockingStub(channel).createServerGroup(
                            CreateServerGroupRequest.newBuilder().setName("web").setPolicy(Policy.AFFINITY).build())
                            .getId();
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            try (Connection c = db.connect();
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id FROM server_groups WHERE name = 'web'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(groupId);
            }
            assertThat(dir.resolve("unused.db")).doesNotExist();
        }
    }

    private static List<String> listServices(ManagedChannel channel) throws Exception {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        result.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = result.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return names;
    }
}
