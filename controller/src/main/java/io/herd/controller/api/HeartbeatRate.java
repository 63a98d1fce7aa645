package io.herd.controller.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} heartbeats per host and second on average, twice that in a
 * burst (a token bucket per host name). The table is bounded: past {@code maxEntries} hosts it
 * starts afresh, which at worst lets one extra burst through.
 */
final class HeartbeatRate {

    private final double perNano;
    private final double burst;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    HeartbeatRate(int perSecond, int maxEntries, LongSupplier nanoTime) {
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** Whether a heartbeat of this host may be handled now (and counts it if so). */
    boolean allow(String hostName) {
        if (buckets.size() > maxEntries) {
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(hostName, n -> new Bucket(burst, nanoTime.getAsLong()));
        synchronized (b) {
            long now = nanoTime.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
            b.at = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}
