package io.herd.controller.core;

import io.herd.common.BackgroundWork;
import io.herd.controller.model.ServerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes creates once their claims' write has settled, on a thread of its own: watchers see
 * the new servers, their launches are queued and their callers answered; a write that failed
 * gives the claims back and the caller is told that nothing was created. The thread takes the
 * inventory's lock once for every create whose write settled meanwhile, and no caller's thread
 * waits for the store: a create holds a call thread only while it places and claims.
 */
final class CreatePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CreatePublisher.class);
    /** A create whose write settled: {@code failure} is null when its claims are on disk. */
    private record Settled(String requestId, List<ServerRecord> created, Throwable failure,
                           CompletableFuture<ServerManager.Created> answer) {
    }

    private final Inventory inv;
    private final Launcher launcher;
    private final Batches<Settled> settled;

    CreatePublisher(Inventory inv, Launcher launcher) {
        this.inv = inv;
        this.launcher = launcher;
        this.settled = new Batches<>("create-publisher", "finishing creates", this::finish);
    }

    /**
     * The answer to a create whose servers were claimed and recorded ({@link Inventory#claimCreated})
     * and whose write is {@code write}: it completes once the write settles, or fails after
     * {@link StoreWriter#CALLER_WAIT} without it.
     */
    CompletableFuture<ServerManager.Created> whenWritten(String requestId, List<ServerRecord> created,
                                                         CompletableFuture<Void> write) {
        CompletableFuture<ServerManager.Created> answer = new CompletableFuture<>();
        write.copy().orTimeout(StoreWriter.CALLER_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                // on the thread that settles the write: an Error here stops the program, as in any background work,
                // rather than vanishing into the future and leaving the create unanswered and unpublished
                .whenComplete((v, e) -> BackgroundWork.run("handing over a settled create",
                        () -> settled.add(new Settled(requestId, created, e, answer))));
        return answer;
    }

    /** Publishes or drops each create under one hold of the lock, then answers each caller. */
    private void finish(List<Settled> batch) {
        List<ServerManager.Created> answers = new ArrayList<>(batch.size());
        try {
            synchronized (inv.lock) {
                for (Settled s : batch) {
                    if (s.failure() == null) {
                        inv.publishCreated(s.requestId(), s.created());
                        // as claimed: BUILDING, each on its host
                        answers.add(new ServerManager.Created(s.created().stream().map(inv::view).toList(), false));
                    } else {
                        inv.dropCreated(s.requestId(), s.created());
                        answers.add(null);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("finishing {} create(s) failed", batch.size(), e);
            batch.forEach(s -> s.answer().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Settled s = batch.get(i);
            if (s.failure() != null) {
                s.answer().completeExceptionally(StoreWriter.failure(s.failure(), "nothing was created, retry"));
                continue;
            }
            ServerManager.Created answer = answers.get(i);
            // the caller's answer is sent from here; one create's failure leaves the others to be answered
            BackgroundWork.run("answering a create", () -> {
                for (ServerRecord r : s.created()) {
                    if (r.holdsClaim()) {
                        launcher.queueCreated(r.id(), r.hostId());
                    }
                }
                s.answer().complete(answer);
            });
        }
    }

    /** Finishes what is queued, then stops; creates that settle later are finished where they settle. */
    @Override
    public void close() {
        settled.close();
    }
}
