package io.herd.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's side of the load's process when that process fails it. */
class LoadProcessTest {

    @TempDir
    Path parent;

    // a blocked read of the process's output cannot be interrupted: the timeout runs the test on
    // a thread of its own, so that a watchdog that never fires fails the test instead of hanging it
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aProcessThatNeverAnswersIsKilledAndItsRunFails() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("load"));
        Files.writeString(dir.resolve("groups.txt"), "g1\n");
        // reads nothing, answers nothing: a load process hung on its calls
        LoadProcess load = LoadProcess.start(List.of("sleep", "600"), dir, Duration.ofMillis(300));

        assertThatThrownBy(() -> load.run(10, Duration.ofMillis(100)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ended before its run did");
        load.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aProcessThatEndsBeforeAnsweringFailsTheRunWithItsExitStatus() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("load"));
        LoadProcess load = LoadProcess.start(List.of("sh", "-c", "exit 3"), dir, Duration.ofSeconds(30));

        assertThatThrownBy(() -> load.run(10, Duration.ofMillis(100)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exit status 3");
        load.close();

        assertThat(dir).doesNotExist();
    }
}
