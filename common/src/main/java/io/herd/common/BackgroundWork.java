package io.herd.common;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How herd's programs run work no caller waits for (heartbeats, launches, retries, the store
 * writer, liveness): a RuntimeException is logged and the work goes on; an Error (out of
 * memory, stack overflow) stops the program with {@link #EXIT_STATUS}, so that systemd starts
 * it afresh (its state comes back from the store and the heartbeats) instead of going on
 * half-alive with a thread that silently died.
 */
public final class BackgroundWork {

    /** Exit status after an Error in background work (EX_SOFTWARE); systemd restarts on it. */
    public static final int EXIT_STATUS = 70;

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);
    private static volatile IntConsumer exit = status -> Runtime.getRuntime().halt(status);

    private BackgroundWork() {
    }

    /** Runs one step of background work; see the class comment for what a failure does. */
    public static void run(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed", what, e);
        } catch (Error e) {
            fatal(what, e);
        }
    }

    /**
     * Logs the Error and stops the program. Returns only where the stop is replaced
     * ({@link #onExit}, in tests): the caller's thread then ends its work.
     */
    public static void fatal(String what, Error e) {
        stop(what, e);
    }

    /** A thread's last resort: an Error anywhere in a herd thread stops the program. */
    public static Thread.UncaughtExceptionHandler uncaughtHandler() {
        return (thread, e) -> {
            if (e instanceof Error) {
                stop("thread " + thread.getName(), e);
            } else {
                LOG.error("thread {} ended on an exception", thread.getName(), e);
            }
        };
    }

    private static void stop(String what, Throwable e) {
        try {
            LOG.error("{} met {}: stopping with exit status {} to be started afresh", what, e, EXIT_STATUS, e);
        } catch (Throwable ignored) {
            // out of memory may fail the log line too: stop all the same
        }
        exit.accept(EXIT_STATUS);
    }

    /**
     * One daemon thread of this name that runs background work, now or on a schedule. Its
     * tasks must go through {@link #run}: what a task lets out, an Error too, is kept in its
     * future, unseen, and a scheduled task stops repeating.
     */
    public static ScheduledExecutorService thread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Replaces how the program stops (tests record the status instead of halting the JVM). */
    public static void onExit(IntConsumer stop) {
        exit = Objects.requireNonNull(stop);
    }
}
