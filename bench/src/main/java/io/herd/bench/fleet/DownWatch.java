package io.herd.bench.fleet;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the controller's hosts-by-state gauge every second for as long as the benchmark
 * runs: every simulated host heartbeats, so any host the controller counts as down was marked
 * DOWN falsely.
 */
final class DownWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DownWatch.class);

    private final URI metrics;
    private final Thread thread;
    private volatile double up;
    private volatile double maxDown;
    private volatile boolean stopped;

    DownWatch(URI metrics) {
        this.metrics = metrics;
        this.thread = new Thread(this::watch, "fleet-down-watch");
        thread.setDaemon(true);
        if (metrics != null) {
            thread.start();
        }
    }

    private void watch() {
        while (!stopped) {
            try {
                Scrape s = Scrape.of(metrics);
                up = s.sum("herd_hosts", l -> "up".equals(l.get("state")));
                double down = s.sum("herd_hosts", l -> "down".equals(l.get("state")));
                if (down > maxDown) {
                    LOG.warn("the controller counts {} host(s) DOWN", (long) down);
                    maxDown = down;
                }
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                return;
            } catch (Error e) {
                LOG.error("the watch for hosts marked DOWN stops: the report's count of them is incomplete", e);
                throw e;
            } catch (Exception e) {
                LOG.warn("could not read {}: {}", metrics, e.toString());
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Waits until the controller counts {@code hosts} hosts up. */
    void awaitUp(int hosts, Duration timeout) throws InterruptedException, TimeoutException {
        if (metrics == null) {
            throw new IllegalStateException("the benchmark needs the controller's /metrics (--metrics URL)");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (up < hosts) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("after " + timeout.toSeconds() + " s the controller counts " + (long) up
                        + " of " + hosts + " hosts up");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Lets {@code time} pass while the watch goes on. */
    void settle(Duration time) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(time.toNanos());
    }

    /** The most hosts the controller counted down at once. */
    long maxDown() {
        return (long) maxDown;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
