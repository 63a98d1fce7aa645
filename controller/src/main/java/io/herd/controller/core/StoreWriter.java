package io.herd.controller.core;

import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread writes queued mutations to the store, as many as are waiting in
 * one transaction (one fsync), in the order they were queued. Callers that must not answer
 * before their change is on disk wait on the returned future; the others do not.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final int MAX_BATCH = 512;

    private record Pending(Mutation mutation, CompletableFuture<Void> done) {
    }

    private final Store store;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    StoreWriter(Store store) {
        this.store = store;
        this.thread = new Thread(this::loop, "store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a mutation; the future completes once it is on disk, or fails with the store's error. */
    CompletableFuture<Void> submit(Mutation m) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreException("store: the controller is stopping", null));
            return done;
        }
        queue.add(new Pending(m, done));
        return done;
    }

    /** Waits for a queued write; a failure becomes UNAVAILABLE with {@code advice} appended. */
    static void await(CompletableFuture<Void> write, String advice) {
        try {
            write.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ControllerException.unavailable("interrupted while writing to the store; " + advice);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw ControllerException.unavailable(cause.getMessage() + "; " + advice);
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        List<Mutation> mutations = new ArrayList<>(batch.size());
        batch.forEach(p -> mutations.add(p.mutation()));
        try {
            store.apply(mutations);
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            LOG.error("store write of {} change(s) failed: {}", batch.size(), e.getMessage());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
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
