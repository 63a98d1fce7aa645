package io.herd.bench.fleet;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerServiceGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * CreateServers at a steady offered rate, one server per call, through the public API. Calls
 * leave on a fixed schedule whether or not earlier ones have been answered (an open loop), and
 * each latency counts from the moment its call was due, so a controller that falls behind is
 * charged for the queue it builds rather than hiding it.
 */
final class CreateLoad {

    /** The sizes the load asks for, in turn: vCPUs, MiB, GiB. */
    private static final long[][] SIZES = {{1, 2048, 10}, {2, 4096, 20}, {4, 8192, 40}, {2, 2048, 20}};

    /** What one load run measured. */
    record Result(int sent, int created, Map<Status.Code, Integer> failures, Samples.Window latencies,
                  double offeredPerSecond, double seconds, List<String> serverIds) {
    }

    private final ServerServiceGrpc.ServerServiceStub stub;
    private final List<String> groupIds;
    private final AtomicInteger serial;

    /**
     * @param groupIds the groups servers join in turn; an empty id is a server without a group
     * @param serial   numbers the servers' names across runs
     */
    CreateLoad(ServerServiceGrpc.ServerServiceStub stub, List<String> groupIds, AtomicInteger serial) {
        this.stub = stub;
        this.groupIds = groupIds;
        this.serial = serial;
    }

    /** Offers {@code rate} creates a second for {@code duration}, and waits for every answer. */
    Result run(int rate, Duration duration, int maxInFlight) throws InterruptedException {
        int total = (int) Math.max(1, rate * duration.toMillis() / 1000);
        Samples latencies = new Samples();
        Queue<String> ids = new ConcurrentLinkedQueue<>();
        Map<Status.Code, Integer> failures = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(maxInFlight);
        CountDownLatch answered = new CountDownLatch(total);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            int n = serial.incrementAndGet();
            long[] size = SIZES[n % SIZES.length];
            CreateServersRequest req = CreateServersRequest.newBuilder()
                    .setName(String.format("fleet-s%07d", n))
                    .setVcpus((int) size[0]).setMemoryMib(size[1]).setDiskGib(size[2])
                    .setImage(SimulatedHost.IMAGE)
                    .setGroupId(groupIds.get(n % groupIds.size()))
                    .setCount(1)
                    .setRequestId(UUID.randomUUID().toString())
                    .build();
            stub.withDeadlineAfter(60, TimeUnit.SECONDS).createServers(req, new StreamObserver<>() {
                @Override
                public void onNext(CreateServersResponse r) {
                    latencies.add(System.nanoTime() - due);
                    for (Server s : r.getServersList()) {
                        ids.add(s.getId());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failures.merge(Status.fromThrowable(t).getCode(), 1, Integer::sum);
                    inFlight.release();
                    answered.countDown();
                }

                @Override
                public void onCompleted() {
                    inFlight.release();
                    answered.countDown();
                }
            });
        }
        double offered = total / ((System.nanoTime() - start) / 1e9);
        answered.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(total, ids.size(), Map.copyOf(failures), latencies.take(), offered, seconds,
                List.copyOf(ids));
    }
}
