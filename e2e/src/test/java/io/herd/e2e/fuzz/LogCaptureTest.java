package io.herd.e2e.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.runtime.Logging;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The fuzz test's log watcher sees what the servers log, on their threads, through either logging API. */
class LogCaptureTest {

    @Test
    void stackTracesOfOtherThreadsAreKeptThoseOfTheClientThreadAndPlainWarningsAreNot() throws Exception {
        try (LogCapture logs = LogCapture.install()) {
            java.util.logging.Logger.getLogger("fuzz.jul").log(java.util.logging.Level.SEVERE, "client", new Exception());
            onAnotherThread(() -> {
                LoggerFactory.getLogger("fuzz.slf4j").warn("plain warning");
                LoggerFactory.getLogger("fuzz.slf4j").error("slf4j server trace", new IllegalStateException("a"));
                java.util.logging.Logger.getLogger("fuzz.jul").log(java.util.logging.Level.WARNING, "jul server trace",
                        new IllegalStateException("b"));
            });
            Logging.bridgeJavaUtilLogging();
            onAnotherThread(() -> java.util.logging.Logger.getLogger("fuzz.jul").log(java.util.logging.Level.SEVERE,
                    "bridged server trace", new IllegalStateException("c")));

            assertThat(logs.traceCount()).isEqualTo(3);
            assertThat(logs.traces()).anyMatch(t -> t.contains("slf4j server trace"))
                    .anyMatch(t -> t.contains("jul server trace")).anyMatch(t -> t.contains("bridged server trace"))
                    .noneMatch(t -> t.contains("client"));
            assertThat(logs.warnings()).isEqualTo(4);
        }
    }

    private static void onAnotherThread(Runnable work) throws InterruptedException {
        Thread t = new Thread(work, "server-like");
        t.start();
        t.join();
    }
}
