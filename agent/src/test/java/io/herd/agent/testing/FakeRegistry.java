package io.herd.agent.testing;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.runtime.grpc.Leadership;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An AgentRegistry that records heartbeats, on a real loopback port. It answers as a leader of
 * term {@link #answerEpoch}, or refuses as a standby ({@link #standby}).
 */
public final class FakeRegistry implements AutoCloseable {

    private final List<HeartbeatRequest> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private volatile int answerIntervalMs;
    private volatile long answerEpoch;
    /** Set: refuse every heartbeat as a standby does, naming this leader when present. */
    private volatile Optional<String> standbyFor;
    private final Server server;

    public FakeRegistry() throws IOException {
        this(InsecureServerCredentials.create());
    }

    public FakeRegistry(ServerCredentials credentials) throws IOException {
        server = Grpc.newServerBuilderForPort(0, credentials)
                .addService(new AgentRegistryGrpc.AgentRegistryImplBase() {
                    @Override
                    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
                        Optional<String> leader = standbyFor;
                        if (leader != null) {
                            received.add(request.toBuilder().setReason("REFUSED " + request.getReason()).build());
                            out.onError(Status.UNAVAILABLE.withDescription("not the leader")
                                    .asRuntimeException(Leadership.trailers(leader)));
                            return;
                        }
                        if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            received.add(request.toBuilder().setReason("REFUSED " + request.getReason()).build());
                            out.onError(Status.UNAVAILABLE.withDescription("controller starting").asException());
                            return;
                        }
                        received.add(request);
                        out.onNext(HeartbeatResponse.newBuilder().setHeartbeatIntervalMs(answerIntervalMs)
                                .setControllerEpoch(answerEpoch).build());
                        out.onCompleted();
                    }
                })
                .build()
                .start();
    }

    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The interval the next answers ask for, ms; 0 keeps the agent's. */
    public void answerInterval(int ms) {
        answerIntervalMs = ms;
    }

    /** The term the answers carry (controller_epoch). */
    public void answerEpoch(long epoch) {
        answerEpoch = epoch;
    }

    /** Refuses every heartbeat as a standby, naming {@code leader} in the trailers when present. */
    public void standby(Optional<String> leader) {
        standbyFor = leader;
    }

    /** Refuses the next n heartbeats with UNAVAILABLE. */
    public void refuseNext(int n) {
        refuseNext.set(n);
    }

    /** Heartbeats answered (not refused), in order. */
    public List<HeartbeatRequest> accepted() {
        return received.stream().filter(h -> !h.getReason().startsWith("REFUSED ")).toList();
    }

    public List<HeartbeatRequest> all() {
        return List.copyOf(received);
    }

    public Optional<HeartbeatRequest> lastAccepted(Predicate<HeartbeatRequest> p) {
        List<HeartbeatRequest> a = accepted();
        for (int i = a.size() - 1; i >= 0; i--) {
            if (p.test(a.get(i))) {
                return Optional.of(a.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
