package io.herd.e2e.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListHostsRequest;
import io.herd.e2e.fuzz.Known.Kind;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against every RPC of the public API, the agent registry and the agent's
 * AgentService, on a real controller and a real agent (libvirt's test driver) in this JVM:
 * hostile but well-formed messages, the same cut short or garbled, random and crafted bytes,
 * calls with no request or two, gzip bombs and junk labelled gzip, hostile authorization headers.
 *
 * <p>The contract: every request is answered OK or refused with a code that says why — never
 * INTERNAL or UNKNOWN, never left unanswered until its deadline; no stack trace in any log; a
 * refused request leaves nothing behind; the controller's books stay consistent; and the heap
 * after a full GC stays within twice what it was after a warm-up.
 *
 * <p>Every CI run sends {@value #CI_REQUESTS} requests. The benchmark-sized run (docs/benchmarks.md,
 * "Hostile input fuzzing"):
 * {@code mvn -B -ntp -pl e2e -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=HostileInputFuzzTest -Dherd.fuzz.requests=100000}; {@code -Dherd.fuzz.seed=N} repeats the
 * choices of a run (the ids the cluster hands out differ). Violating requests are written to
 * {@code e2e/target/fuzz-failures/}.
 */
class HostileInputFuzzTest {

    static final int CI_REQUESTS = 4000;

    @TempDir
    Path dir;

    @Test
    void everyRpcAnswersHostileInputWithARefusalAndNoDamage() throws Exception {
        int requests = Integer.getInteger("herd.fuzz.requests", CI_REQUESTS);
        long seed = Long.getLong("herd.fuzz.seed", new SecureRandom().nextLong());
        int warmup = Math.min(requests / 10, 2000);
        Verdicts verdicts = new Verdicts(Path.of("target", "fuzz-failures", "seed-" + seed));
        // jqwik's generators outside a jqwik property; all generation happens on this thread
        JqwikSession.start();
        try (LogCapture logs = LogCapture.install(); FuzzCluster cluster = FuzzCluster.start(dir)) {
            Known known = new Known();
            known.add(Kind.HOST_ID, cluster.hostId());
            known.add(Kind.HOST_NAME, FuzzCluster.HOST_NAME);
            PartialWrites partialWrites = new PartialWrites(known);
            Janitor janitor = new Janitor(cluster, known, partialWrites, verdicts);
            long heapStart;
            double seconds;
            try (Fuzzer fuzzer = new Fuzzer(cluster, Targets.all(known, cluster.hostId()), new Random(seed), known,
                    verdicts, partialWrites, janitor)) {
                long started = System.nanoTime();
                fuzzer.run(warmup);
                janitor.sweep(false);
                heapStart = heapAfterGc();
                fuzzer.run(requests - warmup);
                seconds = (System.nanoTime() - started) / 1e9;
            }
            awaitOnlyTheAgentUp(cluster);
            janitor.sweep(true);
            List<String> books = new ClusterAudit(cluster).awaitConsistent(Duration.ofSeconds(30));
            janitor.sweep(false);
            long heapEnd = heapAfterGc();

            System.out.printf("hostile-input fuzz: requests=%d seed=%d time=%.1fs rate=%.0f/s codes=%s "
                            + "stackTraces=%d warnings=%d partialWrites=%d "
                            + "bookProblems=%d violations=%d heapStartMiB=%.1f heapEndMiB=%.1f%n",
                    verdicts.calls(), seed, seconds, verdicts.calls() / seconds, verdicts.codes(),
                    logs.traceCount(), logs.warnings(),
                    janitor.partialWriteCount(), books.size(), verdicts.violationCount(), mib(heapStart),
                    mib(heapEnd));
            System.out.print("answers per method:\n" + verdicts.perMethod() + "answers per payload:\n"
                    + verdicts.perKind());

            assertThat(verdicts.calls()).isEqualTo(requests);
            assertThat(verdicts.violations()).as("answers that break the contract (seed %d)", seed).isEmpty();
            assertThat(logs.traces()).as("stack traces logged (seed %d)", seed).isEmpty();
            assertThat(books).as("the controller's books after the run (seed %d)", seed).isEmpty();
            assertThat(heapEnd).as("heap after GC at the end vs after warm-up (%.1f MiB)", mib(heapStart))
                    .isLessThanOrEqualTo(2 * heapStart);
        } finally {
            JqwikSession.finish();
        }
    }

    /** Hosts registered by hostile heartbeats go DOWN once those stop (3 heartbeat intervals). */
    private static void awaitOnlyTheAgentUp(FuzzCluster cluster) {
        await("hosts of hostile heartbeats DOWN").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                .until(() -> HostServiceGrpc.newBlockingStub(cluster.controller())
                        .withDeadlineAfter(10, TimeUnit.SECONDS).listHosts(ListHostsRequest.getDefaultInstance())
                        .getHostsList().stream().allMatch(h -> h.getUp() == h.getId().equals(cluster.hostId())));
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
