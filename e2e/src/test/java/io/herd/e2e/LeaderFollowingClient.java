package io.herd.e2e;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Grpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.runtime.grpc.ControllerEndpoints;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What docs/operations.md tells a provisioning tool to do with several controllers: call the
 * current one; on UNAVAILABLE naming the leader, call it at once; on a failure without one
 * (dead, or an election in progress) try the next after a short pause; every create carries a
 * request_id, so a retry after a lost answer is safe. Built on herd's own client piece.
 */
final class LeaderFollowingClient implements AutoCloseable {

    /** Answers that may change on another controller or a moment later. */
    private static final Set<Status.Code> RETRY = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.CANCELLED, Status.Code.UNKNOWN, Status.Code.ABORTED);
    private static final Duration PAUSE = Duration.ofMillis(50);

    private final ControllerEndpoints endpoints;
    /** Calls that failed and were tried again. */
    final AtomicInteger retries = new AtomicInteger();

    LeaderFollowingClient(String controllerList) {
        List<String> addresses = Arrays.stream(controllerList.split(",")).map(String::trim).toList();
        this.endpoints = new ControllerEndpoints(addresses,
                a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).build());
    }

    /** Creates, retrying on the leader until an answer that is final (success or refusal) or {@code patience} ends. */
    CreateServersResponse create(CreateServersRequest request, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            String address = endpoints.current();
            try {
                return ServerServiceGrpc.newBlockingStub(endpoints.channel(address))
                        .withDeadlineAfter(5, TimeUnit.SECONDS).createServers(request);
            } catch (StatusRuntimeException e) {
                if (!RETRY.contains(e.getStatus().getCode()) || System.nanoTime() > deadline) {
                    throw e;
                }
                retries.incrementAndGet();
                if (!endpoints.failed(address, e).redirected()) {
                    // a back-off between attempts, as any client does; nothing to wait on
                    LockSupport.parkNanos(PAUSE.toNanos());
                }
            }
        }
    }

    @Override
    public void close() {
        endpoints.close();
    }
}
