package io.herd.controller.core;

import io.herd.common.BackgroundWork;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread writes queued mutations to the store, as many as are waiting in
 * one transaction (one fsync), in the order they were queued.
 *
 * <p>Two kinds of write. {@link #submit} is a change memory already has (a launch outcome, a
 * heartbeat's news, a move): it must land, so a failed transaction is retried, with backoff,
 * until it is on disk; while such writes are failing the writer is unhealthy, the controller
 * reports NOT_SERVING and refuses every call that would change something
 * ({@link #requireHealthy}). {@link #attempt} is a change a caller makes only once it is on
 * disk (a create): it is tried once, and a failure is reported to the caller, who changes
 * nothing.
 *
 * <p>A write that ends the leader's term ({@link StoreException#endsTerm}: another controller
 * leads, or the database was lost mid-write) stops the writer for good: nothing queued or
 * queued later is written, every waiting caller is told, and the term listener is called. The
 * changes not written are those a crash would lose; the next term settles them from the
 * database and the agents' heartbeats.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final int MAX_BATCH = 512;
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** How long a caller waits for a write that must land before it is told the store is not answering. */
    static final Duration CALLER_WAIT = Duration.ofSeconds(30);

    private record Pending(Mutation mutation, CompletableFuture<Void> done, boolean mustLand) {
    }

    private final Store store;
    private final CoreMetrics metrics;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object healthLock = new Object();
    private volatile boolean closed;
    /** Why writes that must land are failing; empty while healthy. */
    private volatile String problem = "";
    private BiConsumer<Boolean, String> healthListener = (healthy, why) -> { };
    /** Why the term ended; null while it lasts. */
    private volatile String termEnded;
    private volatile Consumer<String> termListener = why -> { };

    StoreWriter(Store store, CoreMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        // an Error here would stop every write for good: the program stops instead, to start afresh
        this.thread = new Thread(() -> {
            try {
                loop();
            } catch (Error e) {
                BackgroundWork.fatal("the store writer", e);
            }
        }, "store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a change that must land: retried until it is on disk. The future completes then. */
    CompletableFuture<Void> submit(Mutation m) {
        return enqueue(m, true);
    }

    /** Queues a change that is tried once; the future fails with the store's error, and nothing changed. */
    CompletableFuture<Void> attempt(Mutation m) {
        return enqueue(m, false);
    }

    boolean healthy() {
        return problem.isEmpty();
    }

    /** Called with (healthy, why) whenever health changes, and once at once with the current health. */
    void onHealthChange(BiConsumer<Boolean, String> listener) {
        synchronized (healthLock) {
            healthListener = listener;
            listener.accept(healthy(), problem);
        }
    }

    /**
     * Called once if a write ends the leader's term: from the writer's thread, or at once if
     * it ended already (a repair written at start can end it before anyone listens).
     */
    void onTermEnded(Consumer<String> listener) {
        synchronized (healthLock) {
            termListener = listener;
            if (termEnded == null) {
                return;
            }
        }
        listener.accept(termEnded);
    }

    /** Refuses a change while writes are failing: UNAVAILABLE, nothing changed. */
    void requireHealthy() {
        String ended = termEnded;
        if (ended != null) {
            throw ControllerException.unavailable("this controller stopped leading (" + ended + "); nothing was "
                    + "changed: retry, with the same request_id, on the leader");
        }
        String why = problem;
        if (!why.isEmpty()) {
            throw ControllerException.unavailable("the controller's store is failing (" + why + "); nothing was "
                    + "changed: retry once the controller's health is SERVING again");
        }
    }

    /**
     * Waits for a queued write. A failed attempt, or a write that must land but has not within
     * {@link #CALLER_WAIT}, becomes UNAVAILABLE with {@code advice} appended.
     */
    static void await(CompletableFuture<Void> write, String advice) {
        try {
            write.get(CALLER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ControllerException.unavailable("interrupted while writing to the store; " + advice);
        } catch (ExecutionException e) {
            throw failure(e.getCause() == null ? e : e.getCause(), advice);
        } catch (TimeoutException e) {
            throw failure(e, advice);
        }
    }

    /** What a caller is told of a queued write that failed, or that was not confirmed in {@link #CALLER_WAIT}. */
    static ControllerException failure(Throwable writeFailure, String advice) {
        Throwable cause = writeFailure instanceof CompletionException && writeFailure.getCause() != null
                ? writeFailure.getCause() : writeFailure;
        if (cause instanceof TimeoutException) {
            return ControllerException.unavailable("the store did not confirm the write within "
                    + CALLER_WAIT.toSeconds() + " s; " + advice);
        }
        return ControllerException.unavailable(cause.getMessage() + "; " + advice);
    }

    private CompletableFuture<Void> enqueue(Mutation m, boolean mustLand) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        String ended = termEnded;
        if (ended != null) {
            done.completeExceptionally(StoreException.termEnded(ended, null));
            return done;
        }
        if (closed) {
            done.completeExceptionally(new StoreException("store: the controller is stopping", null));
            return done;
        }
        queue.add(new Pending(m, done, mustLand));
        if (termEnded != null) {
            // the term ended while this was being queued: the writer may have stopped already
            failQueued();
        }
        return done;
    }

    private void loop() {
        List<Pending> retry = List.of();
        Duration backoff = FIRST_RETRY;
        while (true) {
            List<Pending> batch = new ArrayList<>(retry);
            retry = List.of();
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closed) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, Math.max(0, MAX_BATCH - batch.size()));
            } catch (InterruptedException e) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            retry = write(batch);
            if (termEnded != null) {
                failQueued();
                return;
            }
            if (retry.isEmpty()) {
                backoff = FIRST_RETRY;
                continue;
            }
            if (closed) {
                LOG.error("stopping with {} change(s) not written ({}); the next start repairs them from the "
                        + "agents' heartbeats", retry.size(), problem);
                retry.forEach(p -> p.done().completeExceptionally(
                        new StoreException("store: the controller stopped before writing", null)));
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                // closing: one last try above, then stop
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        }
    }

    /** Writes the batch; returns the writes that must land and did not (to retry). */
    private List<Pending> write(List<Pending> batch) {
        List<Mutation> mutations = new ArrayList<>(batch.size());
        batch.forEach(p -> mutations.add(p.mutation()));
        long started = System.nanoTime();
        try {
            store.apply(mutations);
            metrics.storeWritten(mutations.size(), true, System.nanoTime() - started);
            batch.forEach(p -> p.done().complete(null));
            setProblem("");
            return List.of();
        } catch (RuntimeException e) {
            metrics.storeWritten(mutations.size(), false, System.nanoTime() - started);
            if (e instanceof StoreException se && se.endsTerm()) {
                endTerm(batch, se);
                return List.of();
            }
            List<Pending> retry = new ArrayList<>();
            for (Pending p : batch) {
                if (p.mustLand()) {
                    retry.add(p);
                } else {
                    p.done().completeExceptionally(e);
                }
            }
            if (retry.isEmpty()) {
                LOG.warn("store write of {} change(s) failed and was refused to its caller(s): {}", batch.size(),
                        e.getMessage());
            } else {
                if (healthy()) {
                    LOG.error("store write of {} change(s) failed: {}; retrying until it succeeds, and refusing "
                            + "changes meanwhile (health NOT_SERVING)", retry.size(), e.getMessage());
                }
                setProblem(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            return retry;
        }
    }

    private void endTerm(List<Pending> batch, StoreException e) {
        long notWritten = batch.stream().filter(Pending::mustLand).count() + queue.size();
        LOG.error("{}; stopping all writes of this term: {} queued change(s) are not written, the next leader settles "
                + "them from the store and the agents' heartbeats", e.getMessage(), notWritten);
        batch.forEach(p -> p.done().completeExceptionally(e));
        Consumer<String> listener;
        synchronized (healthLock) {
            termEnded = e.getMessage();
            listener = termListener;
        }
        try {
            listener.accept(e.getMessage());
        } catch (RuntimeException listenerFailure) {
            LOG.error("the end of the term could not be handled", listenerFailure);
        }
    }

    /** After the term ended: every queued write fails (enqueue refuses new ones). */
    private void failQueued() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(StoreException.termEnded(termEnded, null));
        }
    }

    private void setProblem(String why) {
        synchronized (healthLock) {
            boolean wasHealthy = problem.isEmpty();
            problem = why;
            if (wasHealthy != why.isEmpty()) {
                if (why.isEmpty()) {
                    LOG.info("store writes succeed again: accepting changes (health SERVING)");
                }
                healthListener.accept(why.isEmpty(), why);
            }
        }
    }

    /** Writes what is queued (one more try for writes that are failing), then stops. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(new StoreException("store: the controller stopped before writing", null));
        }
    }
}
