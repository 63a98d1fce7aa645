package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.ListServersRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's own cost of a CreateServers (count = 1): in-process gRPC, the real core and
 * SQLite store, agents replaced by the in-memory fake. Not part of the suite (the name does
 * not match surefire's patterns); run it by name, see docs/benchmarks.md.
 */
class InProcessCreateBenchmark {

    @TempDir
    Path dir;

    @Test
    void createServersOneClient() throws Exception {
        int hosts = 50;
        int warmup = 2000;
        int measured = 5000;
        try (Harness h = new Harness(dir)) {
            for (int i = 0; i < hosts; i++) {
                h.heartbeat("h" + i, "", "", 256, 1_048_576, 100_000);
            }
            for (int i = 0; i < warmup; i++) {
                h.servers.createServers(Harness.request("warm" + i, "").setImage("").setDiskGib(0).build());
            }
            long[] ns = new long[measured];
            long start = System.nanoTime();
            for (int i = 0; i < measured; i++) {
                long t = System.nanoTime();
                h.servers.createServers(Harness.request("s" + i, "").setImage("").setDiskGib(0).build());
                ns[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersCount())
                    .isEqualTo(warmup + measured);
            Arrays.sort(ns);
            System.out.println(String.format(Locale.ROOT, "IN-PROCESS-CREATE {\"calls\":%d,\"p50_ms\":%.3f,"
                    + "\"p99_ms\":%.3f,\"creates_per_s\":%.0f}", measured, ns[measured / 2] / 1e6,
                    ns[(int) (measured * 0.99)] / 1e6, measured / seconds));
        }
    }
}
