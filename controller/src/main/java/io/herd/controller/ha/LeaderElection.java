package io.herd.controller.ha;

import io.herd.common.BackgroundWork;
import io.herd.controller.store.LeaderLease;
import io.herd.controller.store.StoreException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the controllers that share a PostgreSQL database, through the
 * lease row ({@link LeaderLease}). A standby tries to take the lease over every tick; a leader
 * renews it every tick and steps down, at once, when a renewal is refused, fails (it lost the
 * database: it stops acknowledging anything), or has not succeeded for a whole lease, or when
 * its store says its term is over. Its writes are fenced by the database regardless; stepping
 * down only stops it from trying.
 *
 * <p>The election runs on a thread of its own, so that a term being started (loading the
 * state can take a while) never delays a renewal. The listener is called on another thread,
 * one call at a time, in order.
 */
public final class LeaderElection implements AutoCloseable {

    /** What the election tells the controller. */
    public interface Listener {
        /** This controller leads in term {@code epoch} from now on. */
        void elected(long epoch);

        /** Term {@code epoch} of this controller is over: stop at once. */
        void deposed(long epoch, String why);

        /** Another controller leads (or nobody does yet): where clients should go. */
        void standby(LeaderLease.Holder holder);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    /** Log a failing database on every tick at first, then once in this many. */
    private static final int LOG_EVERY = 40;

    private final LeaderLease lease;
    private final long leaseNanos;
    private final Duration tick;
    private final Listener listener;
    private final ScheduledExecutorService ticker = BackgroundWork.thread("leader-election");
    private final ExecutorService terms = BackgroundWork.thread("leader-terms");
    /** The term this controller leads in; 0 while it does not (the ticker's thread only). */
    private long epoch;
    private long validUntilNanos;
    private LeaderLease.Holder lastSeen;
    private int failures;

    /**
     * @param lease how long a term lasts without renewal; the election ticks every eighth of it
     */
    public LeaderElection(LeaderLease lease, Duration leaseTime, Listener listener) {
        this.lease = lease;
        this.leaseNanos = leaseTime.toNanos();
        this.tick = leaseTime.dividedBy(8);
        this.listener = listener;
    }

    /**
     * Starts electing, and returns once the first round is decided: this controller leads and
     * serves, or it stands by knowing (if anyone leads) who does; or after {@code settle}.
     */
    public void start(Duration settle) {
        ticker.scheduleWithFixedDelay(() -> BackgroundWork.run("the leader election", this::tick), 0,
                tick.toMillis(), TimeUnit.MILLISECONDS);
        try {
            // the first tick was queued first; then what it told the listener (a term loading its state)
            ticker.submit(() -> { }).get(settle.toMillis(), TimeUnit.MILLISECONDS);
            terms.submit(() -> { }).get(settle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("the first round of the leader election is not decided after {} ms; going on",
                    settle.toMillis());
        }
    }

    /** The store refused a write of term {@code term}: it is over. Called from any thread. */
    public void termEnded(long term, String why) {
        try {
            ticker.execute(() -> {
                if (epoch == term) {
                    depose(why);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the election is being closed, which ends the term anyway
        }
    }

    private void tick() {
        if (epoch != 0) {
            renew();
        } else {
            tryToLead();
        }
    }

    private void renew() {
        long sent = System.nanoTime();
        if (sent - validUntilNanos > 0) {
            depose("the lease of term " + epoch + " was not renewed in time");
            return;
        }
        try {
            if (lease.renew(epoch)) {
                validUntilNanos = sent + leaseNanos;
            } else {
                depose("term " + epoch + " is over: its lease ran out or another controller took over");
            }
        } catch (StoreException e) {
            depose("lost the database while renewing the lease of term " + epoch + " (" + e.getMessage() + ")");
        }
    }

    private void tryToLead() {
        long sent = System.nanoTime();
        try {
            var won = lease.tryTakeOver();
            if (won.isPresent()) {
                epoch = won.get();
                validUntilNanos = sent + leaseNanos;
                failures = 0;
                LOG.info("leading in term {}", epoch);
                long term = epoch;
                terms.execute(() -> call("start term " + term, () -> listener.elected(term)));
                return;
            }
            LeaderLease.Holder holder = lease.read();
            if (failures > 0) {
                LOG.info("the database answers again");
                failures = 0;
            }
            if (!holder.equals(lastSeen)) {
                lastSeen = holder;
                if (holder.live()) {
                    LOG.info("standing by: {} leads in term {}", holder.address(), holder.epoch());
                }
                terms.execute(() -> call("follow the leader", () -> listener.standby(holder)));
            }
        } catch (StoreException e) {
            if (failures++ % LOG_EVERY == 0) {
                LOG.warn("cannot take part in the leader election: {}", e.getMessage());
            }
            if (lastSeen == null || lastSeen.live()) {
                LeaderLease.Holder unknown = new LeaderLease.Holder(0, "", "", false);
                lastSeen = unknown;
                terms.execute(() -> call("follow the leader", () -> listener.standby(unknown)));
            }
        }
    }

    private void depose(String why) {
        long term = epoch;
        epoch = 0;
        lastSeen = null;
        LOG.warn("stepping down from term {}: {}", term, why);
        terms.execute(() -> call("end term " + term, () -> listener.deposed(term, why)));
    }

    private static void call(String what, Runnable step) {
        BackgroundWork.run(what, step);
    }

    /**
     * Stops electing. A leader ends its term (the listener stops its work) and then releases
     * the lease, so that a standby takes over at once instead of after the lease.
     */
    @Override
    public void close() {
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long term = epoch;
        if (term != 0) {
            epoch = 0;
            terms.execute(() -> call("end term " + term, () -> listener.deposed(term, "the controller is stopping")));
        }
        terms.shutdown();
        try {
            terms.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (term != 0) {
            try {
                lease.release(term);
                LOG.info("released the lease of term {}", term);
            } catch (StoreException e) {
                LOG.warn("could not release the lease of term {} (a standby takes over once it runs out): {}", term,
                        e.getMessage());
            }
        }
        lease.close();
    }
}
