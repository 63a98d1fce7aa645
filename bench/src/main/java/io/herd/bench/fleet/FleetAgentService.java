package io.herd.bench.fleet;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteAgentServerResponse;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListAgentServersResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * herd.v1.AgentService for every simulated host at once. All hosts share one port; each has a
 * loopback address of its own ({@link FleetAddresses}), and a call is served by the host whose
 * address the controller dialled.
 */
final class FleetAgentService extends AgentServiceGrpc.AgentServiceImplBase {

    private static final Context.Key<SimulatedHost> HOST = Context.key("fleet-host");

    private final Fleet fleet;
    private final Duration launchDelay;
    private final ScheduledExecutorService timer;

    FleetAgentService(Fleet fleet, Duration launchDelay, ScheduledExecutorService timer) {
        this.fleet = fleet;
        this.launchDelay = launchDelay;
        this.timer = timer;
    }

    /** Finds the host a call was made to, by the local address of its connection. */
    ServerInterceptor hostByAddress() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
                SimulatedHost host = local instanceof InetSocketAddress a ? fleet.hostAt(a.getAddress()) : null;
                if (host == null) {
                    call.close(Status.NOT_FOUND.withDescription("no simulated host at " + local), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                return Contexts.interceptCall(Context.current().withValue(HOST, host), call, headers, next);
            }
        };
    }

    @Override
    public void getHostInfo(GetHostInfoRequest req, StreamObserver<HostInfo> out) {
        out.onNext(HOST.get().info());
        out.onCompleted();
    }

    @Override
    public void launchServer(LaunchServerRequest req, StreamObserver<LaunchServerResponse> out) {
        SimulatedHost host = HOST.get();
        Runnable launch = () -> {
            SimulatedHost.Launched l = host.launch(req);
            out.onNext(LaunchServerResponse.newBuilder().setServer(l.domain())
                    .setAlreadyExisted(l.alreadyExisted()).build());
            out.onCompleted();
        };
        if (launchDelay.isZero()) {
            launch.run();
        } else {
            timer.schedule(launch, launchDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void deleteServer(DeleteAgentServerRequest req, StreamObserver<DeleteAgentServerResponse> out) {
        boolean existed = HOST.get().delete(req.getServerId());
        out.onNext(DeleteAgentServerResponse.newBuilder().setExisted(existed).build());
        out.onCompleted();
    }

    @Override
    public void listServers(ListAgentServersRequest req, StreamObserver<ListAgentServersResponse> out) {
        out.onNext(ListAgentServersResponse.newBuilder().addAllServers(HOST.get().domains()).build());
        out.onCompleted();
    }
}
