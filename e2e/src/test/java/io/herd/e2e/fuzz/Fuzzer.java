package io.herd.e2e.fuzz;

import com.google.protobuf.MessageLite;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.e2e.fuzz.Known.Kind;
import io.herd.e2e.fuzz.Payloads.Payload;
import io.herd.e2e.fuzz.Targets.Endpoint;
import io.herd.e2e.fuzz.Targets.Target;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Semaphore;
import net.jqwik.api.RandomGenerator;

/**
 * Sends hostile requests, one at a time, each to a method chosen at random among all of them;
 * judges every answer, learns the ids of what was created, and has the janitor sweep every
 * {@link #SWEEP_EVERY} requests. WatchServers calls run in the background, bounded by a short
 * deadline.
 */
final class Fuzzer implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Duration WATCH_DEADLINE = Duration.ofMillis(300);
    static final int SWEEP_EVERY = 500;
    private static final int MAX_WATCHES = 32;
    /** Calls that carry an authorization header (hostile: this cluster asks for none). */
    private static final int AUTHORIZATION_PERCENT = 8;
    /** Refusals after which the request certainly changed nothing. */
    private static final Set<Code> DEFINITE = EnumSet.of(Code.INVALID_ARGUMENT, Code.NOT_FOUND, Code.ALREADY_EXISTS,
            Code.FAILED_PRECONDITION, Code.RESOURCE_EXHAUSTED, Code.OUT_OF_RANGE, Code.PERMISSION_DENIED,
            Code.UNAUTHENTICATED);

    private final FuzzCluster cluster;
    private final List<Target> targets;
    private final Random random;
    private final Known known;
    private final Verdicts verdicts;
    private final PartialWrites partialWrites;
    private final Janitor janitor;
    private final Semaphore watches = new Semaphore(MAX_WATCHES);
    private final RandomGenerator<String> authorizations = Hostile.authorization().generator(1000, true);
    /** Channels whose "gzip" is a bomb, or junk: to the controller, then to the agent. */
    private final List<ManagedChannel> bombs;
    private final List<ManagedChannel> junk;

    Fuzzer(FuzzCluster cluster, List<Target> targets, Random random, Known known, Verdicts verdicts,
           PartialWrites partialWrites, Janitor janitor) {
        this.cluster = cluster;
        this.targets = targets;
        this.random = random;
        this.known = known;
        this.verdicts = verdicts;
        this.partialWrites = partialWrites;
        this.janitor = janitor;
        this.bombs = List.of(Compressions.bombs(cluster.controllerAddress()), Compressions.bombs(cluster.agentAddress()));
        this.junk = List.of(Compressions.junk(cluster.controllerAddress()), Compressions.junk(cluster.agentAddress()));
    }

    /** Sends {@code requests} hostile requests; returns once every one is answered. */
    void run(int requests) {
        for (int i = 0; i < requests; i++) {
            Target target = targets.get(random.nextInt(targets.size()));
            Payload payload = target.payloads().next(random).value();
            Optional<MessageLite> request = payload.asIs() ? RawCalls.parseRequest(target.method(), payload.bytes())
                    : Optional.empty();
            String authorization = random.nextInt(100) < AUTHORIZATION_PERCENT
                    ? authorizations.next(random).value() : null;
            RawCalls.Request call = new RawCalls.Request(payload.messages(), payload.compression(), authorization);
            Channel channel = channel(target.endpoint(), payload.kind());
            if (target.streaming()) {
                watches.acquireUninterruptibly();
                RawCalls.call(channel, target.raw(), call, WATCH_DEADLINE).thenAccept(answer -> {
                    try {
                        verdicts.judge(target, payload, request, answer.status());
                    } finally {
                        watches.release();
                    }
                });
            } else {
                RawCalls.Answer answer = RawCalls.call(channel, target.raw(), call, DEADLINE).join();
                verdicts.judge(target, payload, request, answer.status());
                request.ifPresent(r -> learn(target, r, answer));
            }
            if ((i + 1) % SWEEP_EVERY == 0) {
                janitor.sweep(false);
            }
        }
        watches.acquireUninterruptibly(MAX_WATCHES);
        watches.release(MAX_WATCHES);
    }

    private Channel channel(Endpoint endpoint, Payloads.Kind kind) {
        int e = endpoint == Endpoint.AGENT ? 1 : 0;
        return switch (kind) {
            case GZIP_BOMB -> bombs.get(e);
            case GZIP_JUNK -> junk.get(e);
            default -> e == 1 ? cluster.agent() : cluster.controller();
        };
    }

    @Override
    public void close() {
        bombs.forEach(ManagedChannel::shutdownNow);
        junk.forEach(ManagedChannel::shutdownNow);
    }

    /** Remembers what an accepted request created, and what a refused one must not have. */
    private void learn(Target target, MessageLite request, RawCalls.Answer answer) {
        Code code = answer.status().getCode();
        if (code != Code.OK) {
            if (DEFINITE.contains(code)) {
                partialWrites.refused(target, request, answer.status());
            }
            return;
        }
        Optional<MessageLite> response = RawCalls.parseResponse(target.method(), answer.response());
        if (response.isEmpty()) {
            verdicts.violation(target.name() + " answered OK with bytes that are no " + target.method()
                    .getFullMethodName() + " response", answer.response());
            return;
        }
        if (target.method() == ServerServiceGrpc.getCreateServersMethod()) {
            for (Server s : ((CreateServersResponse) response.get()).getServersList()) {
                known.add(Kind.SERVER, s.getId());
            }
        } else if (target.method() == ServerGroupServiceGrpc.getCreateServerGroupMethod()) {
            ServerGroup g = (ServerGroup) response.get();
            known.add(Kind.GROUP_ID, g.getId());
            known.add(Kind.GROUP_NAME, g.getName());
        } else if (target.method() == FlavorServiceGrpc.getCreateFlavorMethod()) {
            Flavor f = (Flavor) response.get();
            known.add(Kind.FLAVOR_ID, f.getId());
            known.add(Kind.FLAVOR_NAME, f.getName());
        } else if (target.method() == AgentRegistryGrpc.getHeartbeatMethod()) {
            HeartbeatRequest h = (HeartbeatRequest) request;
            if (!known.contains(Kind.HOST_ID, h.getHostId())) {
                known.add(Kind.HOST_ID, h.getHostId());
                known.add(Kind.HOST_NAME, h.getHostName());
            }
        } else if (target.method() == AgentServiceGrpc.getLaunchServerMethod()) {
            String id = ((LaunchServerResponse) response.get()).getServer().getServerId();
            known.add(Kind.DOMAIN, id);
            partialWrites.launched(id);
            partialWrites.launched(((LaunchServerRequest) request).getServerId());
        }
    }
}
