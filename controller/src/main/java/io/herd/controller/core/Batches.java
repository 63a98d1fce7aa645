package io.herd.controller.core;

import io.herd.common.BackgroundWork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread of its own that handles what is handed to it in batches: each batch is all that was
 * queued while the last one was handled, so that work which needs the inventory's lock takes it
 * once for many items, from one thread, instead of once per item from many. Once closed, an
 * item is handled at once on the thread that hands it over: nothing handed over is dropped.
 */
final class Batches<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
    /** Queued last by {@link #close}. */
    private static final Object STOP = new Object();

    private final String what;
    private final Consumer<List<T>> handler;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Set under this object's monitor with {@link #STOP} queued last: nothing is queued after it. */
    private boolean closed;

    /**
     * @param name    the thread's
     * @param what    what the handler does, for the log
     * @param handler handles one batch; what it throws is logged and the next batch goes on
     */
    Batches(String name, String what, Consumer<List<T>> handler) {
        this.what = what;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(BackgroundWork.uncaughtHandler());
        thread.start();
    }

    void add(T item) {
        synchronized (this) {
            if (!closed) {
                queue.add(item);
                return;
            }
        }
        handle(List.of(item));
    }

    @SuppressWarnings("unchecked")
    private void run() {
        List<Object> taken = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                LOG.error("the thread that {} was interrupted; it finishes what is queued and stops", what);
                synchronized (this) {
                    closed = true;
                }
                stop = true;
            }
            queue.drainTo(taken);
            stop |= taken.remove(STOP);
            if (!taken.isEmpty()) {
                handle((List<T>) (List<?>) taken);
            }
            taken.clear();
        }
    }

    private void handle(List<T> batch) {
        BackgroundWork.run(what, () -> handler.accept(batch));
    }

    /** Handles what is queued, then stops; what is handed over later is handled where it is. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(StoreWriter.CALLER_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
