package io.herd.bench.fleet;

import io.herd.bench.WorkloadRunner;
import java.util.Arrays;

/** Latencies recorded from many threads, read and cleared at the end of a measured window. */
final class Samples {

    private long[] values = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    /** The samples recorded since the last call, sorted; the recorder starts afresh. */
    synchronized Window take() {
        long[] taken = Arrays.copyOf(values, size);
        size = 0;
        Arrays.sort(taken);
        return new Window(taken);
    }

    /** Sorted latencies of one window, in nanoseconds. */
    record Window(long[] sorted) {

        int count() {
            return sorted.length;
        }

        /** The smallest value at or above {@code fraction} of the samples (0 when there are none). */
        long percentile(double fraction) {
            return WorkloadRunner.percentile(sorted, fraction);
        }

        long max() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }

        double mean() {
            long sum = 0;
            for (long v : sorted) {
                sum += v;
            }
            return sorted.length == 0 ? 0 : (double) sum / sorted.length;
        }

        /** Milliseconds, two decimals. */
        static double ms(double nanos) {
            return Math.round(nanos / 1e4) / 100.0;
        }
    }
}
