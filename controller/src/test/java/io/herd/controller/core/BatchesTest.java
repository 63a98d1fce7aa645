package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What is handed to a batch thread is handled once, in order, even when a batch fails or the thread stops. */
class BatchesTest {

    @Test
    void itemsQueuedWhileABatchIsHandledMakeTheNextBatchInOrder() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        try (Batches<Integer> b = new Batches<>("test-batches", "testing", batch -> {
            batches.add(List.copyOf(batch));
            first.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            b.add(1);
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            b.add(2);
            b.add(3);
            release.countDown();
            await().until(() -> batches.size() == 2);
        }

        assertThat(batches).containsExactly(List.of(1), List.of(2, 3));
    }

    @Test
    void aBatchThatFailsLeavesTheNextOnesToBeHandled() {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        try (Batches<Integer> b = new Batches<>("test-batches", "testing", batch -> {
            seen.addAll(batch);
            if (batch.contains(-1)) {
                throw new IllegalStateException("a bad item");
            }
            handled.addAll(batch);
        })) {
            b.add(-1);
            await().until(() -> seen.contains(-1));
            b.add(7);
            await().until(() -> handled.contains(7));
        }

        assertThat(handled).containsExactly(7);
    }

    @Test
    void closingHandlesWhatIsQueuedAndWhatComesAfterIsHandledWhereItIsHandedOver() {
        List<String> handledBy = Collections.synchronizedList(new ArrayList<>());
        Batches<Integer> b = new Batches<>("test-batches", "testing",
                batch -> batch.forEach(i -> handledBy.add(i + " " + Thread.currentThread().getName())));
        b.add(1);
        b.close();
        assertThat(handledBy).containsExactly("1 test-batches");

        b.add(2);

        assertThat(handledBy).containsExactly("1 test-batches", "2 " + Thread.currentThread().getName());
    }
}
