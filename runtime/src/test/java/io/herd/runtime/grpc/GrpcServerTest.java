package io.herd.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.testing.RawRequests;
import io.herd.runtime.testing.TestCa;
import io.herd.runtime.tls.Role;
import io.herd.runtime.tls.TlsFiles;
import io.herd.runtime.config.ConfigFile;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcServerTest {

    @TempDir
    Path dir;

    /** Answers GetServerGroup with the id asked for. */
    static final class Echo extends ServerGroupServiceGrpc.ServerGroupServiceImplBase {
        @Override
        public void getServerGroup(GetServerGroupRequest req, StreamObserver<ServerGroup> out) {
            out.onNext(ServerGroup.newBuilder().setId(req.getId()).build());
            out.onCompleted();
        }
    }

    /** Answers each call with the name of the thread it ran on. */
    static final class Threads extends ServerGroupServiceGrpc.ServerGroupServiceImplBase {
        @Override
        public void getServerGroup(GetServerGroupRequest req, StreamObserver<ServerGroup> out) {
            out.onNext(ServerGroup.newBuilder().setId(Thread.currentThread().getName()).build());
            out.onCompleted();
        }

        @Override
        public void listServerGroups(io.herd.api.v1.ListServerGroupsRequest req,
                                     StreamObserver<io.herd.api.v1.ListServerGroupsResponse> out) {
            out.onNext(io.herd.api.v1.ListServerGroupsResponse.newBuilder()
                    .addServerGroups(ServerGroup.newBuilder().setId(Thread.currentThread().getName())).build());
            out.onCompleted();
        }
    }

    @Test
    void anInlineMethodRunsOnTheTransportsThreadAndTheOthersOnTheCallPool() throws Exception {
        String inline = ServerGroupServiceGrpc.getGetServerGroupMethod().getFullMethodName();
        try (GrpcServer server = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0)).service(new Threads())
                .workStealingCalls().inline(inline).start()) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                var stub = ServerGroupServiceGrpc.newBlockingStub(channel);
                String ran = stub.getServerGroup(GetServerGroupRequest.newBuilder().setId("g").build()).getId();
                assertThat(ran).doesNotStartWith("grpc-call-").contains("worker");
                String other = stub.listServerGroups(io.herd.api.v1.ListServerGroupsRequest.getDefaultInstance())
                        .getServerGroups(0).getId();
                assertThat(other).startsWith("grpc-call-");
                var pool = new java.util.concurrent.atomic.AtomicReference<String>();
                server.calls().execute(() -> pool.set(Thread.currentThread().getName()));
                org.awaitility.Awaitility.await().until(() -> pool.get() != null);
                assertThat(pool.get()).startsWith("grpc-call-");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThatThrownBy(() -> GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0)).inline(inline).start())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unparseableRequestsAreRefusedAsInvalidArgumentAndTheServerGoesOn() throws Exception {
        try (GrpcServer server = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0)).service(new Echo()).start()) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                long before = StrictRequests.refused();
                // field 1 (id, a string) with a length running past the end of the message
                StatusRuntimeException e = raw(channel, new byte[] {0x0a, 0x7f, 'x'});
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("not a valid message",
                        "herd.v1.ServerGroupService/GetServerGroup");
                assertThat(StrictRequests.refused()).isEqualTo(before + 1);
                assertThat(ServerGroupServiceGrpc.newBlockingStub(channel)
                        .getServerGroup(GetServerGroupRequest.newBuilder().setId("g1").build()).getId())
                        .isEqualTo("g1");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aUnixSocketOnlyItsOwnerMayUseIsServedAndAStaleOneReplaced() throws Exception {
        Path socket = dir.resolve("agent.sock");
        // a socket file left behind by a program that died
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        try (GrpcServer server = GrpcServer.builder().unixSocket(socket).service(new Echo()).start()) {
            assertThat(server.port()).isEqualTo(-1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create())
                    .build();
            try {
                assertThat(ServerGroupServiceGrpc.newBlockingStub(channel)
                        .getServerGroup(GetServerGroupRequest.newBuilder().setId("g2").build()).getId())
                        .isEqualTo("g2");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> GrpcServer.builder().unixSocket(socket).service(new Echo()).start())
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another running program");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aClientRefusesAServerWhoseCertificateHasAnotherRole() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("tls"));
        TestCa.Issued agent = ca.issue("agent", "hv1", "127.0.0.1");
        TestCa.Issued controller = ca.issue("controller", "controller", "127.0.0.1");
        TlsFiles agentFiles = files(agent);
        TlsFiles controllerFiles = files(controller);
        try (GrpcServer server = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0))
                .credentials(agentFiles.serverCredentials(true)).service(new Echo()).start()) {
            GetServerGroupRequest req = GetServerGroupRequest.newBuilder().setId("g3").build();
            ManagedChannel asController = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    controllerFiles.channelCredentials(Role.AGENT)).build();
            ManagedChannel expectingController = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    controllerFiles.channelCredentials(Role.CONTROLLER)).build();
            try {
                assertThat(ServerGroupServiceGrpc.newBlockingStub(asController).getServerGroup(req).getId())
                        .isEqualTo("g3");
                assertThatThrownBy(() -> ServerGroupServiceGrpc.newBlockingStub(expectingController)
                        .getServerGroup(req)).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            } finally {
                asController.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                expectingController.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static TlsFiles files(TestCa.Issued issued) {
        return TlsFiles.from(ConfigFile.load(Map.of("tls.cert_file", issued.cert().toString(),
                "tls.key_file", issued.key().toString(), "tls.ca_file", issued.ca().toString()), null, Map.of()))
                .orElseThrow();
    }

    /** Sends {@code bytes} as the request of GetServerGroup, whatever they are. */
    private static StatusRuntimeException raw(Channel channel, byte[] bytes) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> RawRequests.unary(channel, "herd.v1.ServerGroupService/GetServerGroup", bytes));
    }
}
