package io.herd.controller.core;

import io.herd.common.BackgroundWork;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs background agent calls (launches, deletes, clean-ups) on a bounded pool, at most
 * {@code perHost} at once for any one host: a hung or slow agent ties up at most that many
 * threads, and its other calls wait in its own queue instead of in front of other hosts'.
 */
final class AgentCalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCalls.class);

    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final int perHost;
    private final Map<String, HostQueue> queues = new HashMap<>();
    private volatile boolean stopping;

    private static final class HostQueue {
        int running;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    }

    /**
     * @param parallelism calls in flight at once, across all agents
     * @param perHost     calls in flight at once to one agent
     */
    AgentCalls(int parallelism, int perHost) {
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "agent-call-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "agent-call-retry");
            t.setDaemon(true);
            return t;
        });
        scheduled.setRemoveOnCancelPolicy(true);
        this.timer = scheduled;
        this.perHost = perHost;
    }

    /** Runs the call when the host has a free slot. False (and nothing runs) once stopping. */
    boolean run(String hostId, Runnable call) {
        if (stopping) {
            return false;
        }
        synchronized (queues) {
            HostQueue q = queues.computeIfAbsent(hostId, k -> new HostQueue());
            if (q.running >= perHost) {
                q.waiting.add(call);
                return true;
            }
            q.running++;
        }
        return start(hostId, call);
    }

    /** Runs {@code task} (which takes no slot) after {@code delay}, unless stopping. */
    void later(Duration delay, Runnable task) {
        if (stopping) {
            return;
        }
        try {
            timer.schedule(() -> BackgroundWork.run("a delayed agent task", task), delay.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("not scheduling a retry: stopping");
        }
    }

    /** Runs {@code task} on the pool without a host slot (e.g. to leave the store writer's thread). */
    void async(Runnable task) {
        try {
            pool.execute(() -> BackgroundWork.run("a task after a write", task));
        } catch (RejectedExecutionException e) {
            LOG.debug("not running a task: stopping");
        }
    }

    private boolean start(String hostId, Runnable call) {
        try {
            pool.execute(() -> {
                try {
                    BackgroundWork.run("an agent call to host " + hostId, call);
                } finally {
                    next(hostId);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (queues) {
                queues.get(hostId).running--;
            }
            return false;
        }
    }

    private void next(String hostId) {
        Runnable call;
        synchronized (queues) {
            HostQueue q = queues.get(hostId);
            call = q.waiting.poll();
            if (call == null) {
                q.running--;
                if (q.running == 0) {
                    queues.remove(hostId);
                }
                return;
            }
        }
        start(hostId, call);
    }

    /** Stops taking calls and interrupts the ones running; their outcomes are settled at the next start. */
    @Override
    public void close() {
        stopping = true;
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
