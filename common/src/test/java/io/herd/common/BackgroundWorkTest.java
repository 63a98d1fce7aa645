package io.herd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackgroundWorkTest {

    private final List<Integer> exits = new ArrayList<>();

    @BeforeEach
    void recordExits() {
        BackgroundWork.onExit(exits::add);
    }

    @AfterEach
    void halt() {
        BackgroundWork.onExit(status -> Runtime.getRuntime().halt(status));
    }

    @Test
    void anExceptionIsLoggedAndTheWorkGoesOn() {
        List<String> done = new ArrayList<>();
        BackgroundWork.run("step 1", () -> {
            throw new IllegalStateException("boom");
        });
        BackgroundWork.run("step 2", () -> done.add("ran"));
        assertThat(done).containsExactly("ran");
        assertThat(exits).isEmpty();
    }

    @Test
    void anErrorStopsTheProgramWithItsStatus() throws InterruptedException {
        BackgroundWork.run("the writer", () -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertThat(exits).containsExactly(BackgroundWork.EXIT_STATUS);

        Thread t = new Thread(() -> {
            throw new StackOverflowError();
        }, "deep");
        t.setUncaughtExceptionHandler(BackgroundWork.uncaughtHandler());
        t.start();
        t.join();
        assertThat(exits).containsExactly(BackgroundWork.EXIT_STATUS, BackgroundWork.EXIT_STATUS);
    }

    @Test
    void aThreadOfItsOwnRunsWorkAsADaemonOfItsName() throws Exception {
        java.util.concurrent.ScheduledExecutorService thread = BackgroundWork.thread("herd-test-work");
        try {
            Thread ran = thread.submit(Thread::currentThread).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ran.getName()).isEqualTo("herd-test-work");
            assertThat(ran.isDaemon()).isTrue();
            assertThat(ran).isNotSameAs(Thread.currentThread());
        } finally {
            thread.shutdownNow();
        }
    }
}
