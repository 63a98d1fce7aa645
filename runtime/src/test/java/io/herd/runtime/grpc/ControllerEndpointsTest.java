package io.herd.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real TCP servers: a leader that answers, a standby that names it, an address nobody serves. */
class ControllerEndpointsTest {

    private final List<GrpcServer> servers = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(GrpcServer::close);
    }

    /** Refuses every call as a standby does, naming the leader when given one. */
    private static final class Standby implements ServerInterceptor {
        private final Optional<String> leader;

        Standby(Optional<String> leader) {
            this.leader = leader;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            call.close(Status.UNAVAILABLE.withDescription("not the leader"), Leadership.trailers(leader));
            return new ServerCall.Listener<>() {};
        }
    }

    private String leader() throws IOException {
        GrpcServer s = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0)).service(new GrpcServerTest.Echo())
                .start();
        servers.add(s);
        return "127.0.0.1:" + s.port();
    }

    private String standby(Optional<String> leader) throws IOException {
        GrpcServer s = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0)).service(new GrpcServerTest.Echo())
                .interceptor(new Standby(leader)).start();
        servers.add(s);
        return "127.0.0.1:" + s.port();
    }

    private static String nobody() {
        return "127.0.0.1:" + Ports.free();
    }

    private ControllerEndpoints endpoints(String... addresses) {
        return new ControllerEndpoints(List.of(addresses), address -> {
            synchronized (opened) {
                opened.add(address);
            }
            return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).disableRetry().build();
        });
    }

    private static String call(ManagedChannel channel) {
        return ServerGroupServiceGrpc.newBlockingStub(channel)
                .getServerGroup(GetServerGroupRequest.newBuilder().setId("g1").build()).getId();
    }

    @Test
    void aStandbysAnswerSendsTheNextCallToTheLeaderItNamesEvenOneNotConfigured() throws Exception {
        String leader = leader();
        String standby = standby(Optional.of(leader));
        try (ControllerEndpoints endpoints = endpoints(standby)) {
            StatusRuntimeException refused = catchRpc(() -> call(endpoints.channel()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

            ControllerEndpoints.Next next = endpoints.failed(standby, refused);

            assertThat(next).isEqualTo(new ControllerEndpoints.Next(leader, true));
            assertThat(endpoints.current()).isEqualTo(leader);
            assertThat(call(endpoints.channel())).isEqualTo("g1");
        }
    }

    @Test
    void aControllerStartedAgainOnItsAddressIsCalledAtOnceNotAfterTheChannelsOwnBackOff() throws Exception {
        String restarted = nobody();
        String standby = standby(Optional.empty());
        try (ControllerEndpoints endpoints = endpoints(restarted, standby)) {
            // the channel failed to connect: gRPC waits about a second before it tries again
            StatusRuntimeException down = catchRpc(() -> call(endpoints.channel()));
            assertThat(endpoints.failed(restarted, down).address()).isEqualTo(standby);
            servers.add(GrpcServer.builder().tcp(io.herd.runtime.config.HostPort.parse("test", restarted, 1))
                    .service(new GrpcServerTest.Echo()).start());

            StatusRuntimeException noLeader = catchRpc(() -> call(endpoints.channel()));
            assertThat(endpoints.failed(standby, noLeader).address()).isEqualTo(restarted);
            // connecting again at once: well within the 0.8 s (1 s less its jitter) gRPC would wait
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(500))
                    .pollInterval(java.time.Duration.ofMillis(10)).ignoreExceptions()
                    .until(() -> call(endpoints.channel()).equals("g1"));
        }
    }

    @Test
    void anAddressNobodyServesOrAStandbyWithoutALeaderMovesOnRoundRobin() throws Exception {
        String dead = nobody();
        String electing = standby(Optional.empty());
        String leader = leader();
        try (ControllerEndpoints endpoints = endpoints(dead, electing, leader)) {
            StatusRuntimeException unreachable = catchRpc(() -> call(endpoints.channel()));
            assertThat(endpoints.failed(dead, unreachable)).isEqualTo(new ControllerEndpoints.Next(electing, false));

            StatusRuntimeException noLeader = catchRpc(() -> call(endpoints.channel()));
            assertThat(noLeader.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(endpoints.failed(electing, noLeader)).isEqualTo(new ControllerEndpoints.Next(leader, false));
            assertThat(call(endpoints.channel())).isEqualTo("g1");

            // past the end of the list: back to the first
            assertThat(endpoints.failed(leader, unreachable).address()).isEqualTo(dead);
        }
    }

    @Test
    void aNamedLeaderThatFailsIsFollowedByTheConfiguredAddressAfterTheOneUsedLast() throws Exception {
        String first = nobody();
        String leader = leader();
        String standby = standby(Optional.of(leader));
        String third = nobody();
        try (ControllerEndpoints endpoints = endpoints(first, standby, third)) {
            endpoints.failed(first, catchRpc(() -> call(endpoints.channel())));
            endpoints.failed(standby, catchRpc(() -> call(endpoints.channel())));
            assertThat(endpoints.current()).isEqualTo(leader);

            ControllerEndpoints.Next next = endpoints.failed(leader, Status.UNAVAILABLE.asRuntimeException());

            assertThat(next).isEqualTo(new ControllerEndpoints.Next(third, false));
        }
    }

    @Test
    void aFailureReportedForAnAddressNoLongerCurrentLeavesTheTargetWhereItIs() throws Exception {
        String a = nobody();
        String b = nobody();
        String c = nobody();
        try (ControllerEndpoints endpoints = endpoints(a, b, c)) {
            StatusRuntimeException e = Status.UNAVAILABLE.asRuntimeException();
            endpoints.failed(a, e);

            // a second caller whose call to a failed at the same time
            assertThat(endpoints.failed(a, e)).isEqualTo(new ControllerEndpoints.Next(b, false));
            assertThat(endpoints.current()).isEqualTo(b);
        }
    }

    @Test
    void channelsAreOpenedOnceWhenFirstNeededAndAllClosedAtTheEnd() throws Exception {
        String leader = leader();
        String other = nobody();
        ManagedChannel first;
        ManagedChannel second;
        try (ControllerEndpoints endpoints = endpoints(leader, other)) {
            assertThat(opened).isEmpty();
            first = endpoints.channel();
            assertThat(endpoints.channel()).isSameAs(first);
            second = endpoints.channel(other);
            assertThat(opened).containsExactly(leader, other);
        }
        assertThat(first.isTerminated()).isTrue();
        assertThat(second.isTerminated()).isTrue();
    }

    @Test
    void anEmptyListIsRefused() {
        assertThatThrownBy(() -> new ControllerEndpoints(List.of(), a -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static StatusRuntimeException catchRpc(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }
}
