package io.herd.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.herd.agent.main.AgentRuntime;
import io.herd.agent.testing.TestConfigs;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AgentService over a real gRPC server on its Unix socket (no TLS), on libvirt's test driver. */
class AgentServiceGrpcTest {

    @TempDir
    static Path dir;
    static AgentRuntime agent;
    static ManagedChannel channel;
    static AgentServiceGrpc.AgentServiceBlockingStub stub;
    private final List<String> launched = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir, "labels.rack", "r1", "labels.zone", "z1"));
        channel = Grpc.newChannelBuilder(agent.address(), InsecureChannelCredentials.create())
                .build();
        stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        agent.close();
    }

    @AfterEach
    void deleteLaunched() {
        for (String id : launched) {
            stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id).build());
        }
    }

    private LaunchServerRequest.Builder request(String name) {
        String id = UUID.randomUUID().toString();
        launched.add(id);
        return LaunchServerRequest.newBuilder().setServerId(id).setName(name).setVcpus(1).setMemoryMib(64)
                .setGroupId("g1");
    }

    private List<String> serverIds() {
        List<String> ids = new ArrayList<>();
        for (AgentServer s : stub.listServers(ListAgentServersRequest.getDefaultInstance()).getServersList()) {
            ids.add(s.getServerId());
        }
        return ids;
    }

    private static void assertStatus(Runnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    @Test
    void launchListAndDelete() {
        LaunchServerRequest r = request("web-1").build();
        LaunchServerResponse launchedNow = stub.launchServer(r);
        assertThat(launchedNow.getAlreadyExisted()).isFalse();
        assertThat(launchedNow.getServer().getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        assertThat(launchedNow.getServer().getLibvirtState()).isEqualTo("running");
        assertThat(launchedNow.getServer().getResources().getMemoryMib()).isEqualTo(64);
        assertThat(serverIds()).contains(r.getServerId());

        assertThat(stub.launchServer(r).getAlreadyExisted()).isTrue();

        assertThat(stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(r.getServerId()).build())
                .getExisted()).isTrue();
        assertThat(serverIds()).doesNotContain(r.getServerId());
        assertThat(stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(r.getServerId()).build())
                .getExisted()).isFalse();
    }

    @Test
    void hostInfoReportsTheTestDriverHost() {
        HostInfo info = stub.getHostInfo(GetHostInfoRequest.getDefaultInstance());
        assertThat(info.getHostId()).isEqualTo(agent.identity().hostId());
        assertThat(info.getHostName()).isEqualTo("test-host");
        assertThat(info.getHypervisorType()).isEqualTo("TEST");
        assertThat(info.getAcceleration()).isEqualTo(io.herd.api.v1.Acceleration.ACCELERATION_TEST);
        assertThat(info.getLabels().getRack()).isEqualTo("r1");
        assertThat(info.getLabels().getZone()).isEqualTo("z1");
        assertThat(info.getCapacity().getCpus()).isPositive();
        assertThat(info.getCapacity().getReservedMemoryMib()).isEqualTo(512);
        assertThat(info.getCapacity().getCpuAllocationRatio()).isEqualTo(4.0);
        assertThat(info.getDegraded()).isFalse();
        assertThat(info.getAgentVersion()).isNotBlank();
    }

    @Test
    void badFieldsAreRefusedByNameAndCreateNothing() {
        List<String> before = serverIds();
        assertStatus(() -> stub.launchServer(request("x").setServerId("nope").build()),
                Status.Code.INVALID_ARGUMENT, "server_id");
        assertStatus(() -> stub.launchServer(request("").build()), Status.Code.INVALID_ARGUMENT, "name");
        assertStatus(() -> stub.launchServer(request("x").setVcpus(0).build()), Status.Code.INVALID_ARGUMENT, "vcpus");
        assertStatus(() -> stub.launchServer(request("x").setMemoryMib(0).build()),
                Status.Code.INVALID_ARGUMENT, "memory_mib");
        assertStatus(() -> stub.launchServer(request("x").setImage("base.qcow2").build()),
                Status.Code.INVALID_ARGUMENT, "disk_gib");
        assertStatus(() -> stub.launchServer(request("x").setImage("../../etc/passwd").setDiskGib(1).build()),
                Status.Code.INVALID_ARGUMENT, "image");
        assertStatus(() -> stub.launchServer(request("x").setImage("missing.qcow2").setDiskGib(1).build()),
                Status.Code.NOT_FOUND, "missing.qcow2");
        assertStatus(() -> stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId("../x").build()),
                Status.Code.INVALID_ARGUMENT, "server_id");
        assertThat(serverIds()).isEqualTo(before);
    }

    @Test
    void theSameIdWithAnotherSpecIsAlreadyExists() {
        LaunchServerRequest r = request("db-1").build();
        stub.launchServer(r);
        assertStatus(() -> stub.launchServer(r.toBuilder().setMemoryMib(128).build()),
                Status.Code.ALREADY_EXISTS, r.getServerId());
    }

    @Test
    void aTenMegabyteNameIsRefusedByTheTransportAndCreatesNothing() {
        List<String> before = serverIds();
        LaunchServerRequest r = request("x".repeat(10 * 1024 * 1024)).build();
        assertStatus(() -> stub.launchServer(r), Status.Code.RESOURCE_EXHAUSTED, "");
        assertThat(serverIds()).isEqualTo(before).doesNotContain(r.getServerId());
    }

    @Test
    void concurrentLaunchesOfOneIdCreateOneDomain() throws Exception {
        LaunchServerRequest r = request("racer").build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<LaunchServerResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> stub.launchServer(r)));
            }
            int fresh = 0;
            for (java.util.concurrent.Future<LaunchServerResponse> f : futures) {
                if (!f.get(30, TimeUnit.SECONDS).getAlreadyExisted()) {
                    fresh++;
                }
            }
            assertThat(fresh).isEqualTo(1);
            assertThat(serverIds()).filteredOn(r.getServerId()::equals).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reflectionListsTheAgentsServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        List<String> out = new ArrayList<>();
                        for (ServiceResponse s : response.getListServicesResponse().getServiceList()) {
                            out.add(s.getName());
                        }
                        names.complete(out);
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(names.get(10, TimeUnit.SECONDS))
                .contains("herd.v1.AgentService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    }

    @Test
    void healthSaysServing() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("herd.v1.AgentService").build())
                .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
}
