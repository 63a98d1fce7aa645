package io.herd.controller.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.controller.store.LeaderLease;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The election on a real PostgreSQL: a term that takes long to start keeps its lease meanwhile. */
class LeaderElectionTest {

    private static final Duration LEASE = Duration.ofMillis(600);

    private PostgresTestDatabase db;

    @BeforeEach
    void open() {
        db = PostgresTestDatabase.create();
        PostgresStore.open(db.target()).close();
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    private Instant expiresAt() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT expires_at FROM leader_lease WHERE id = 1")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    @Test
    void theLeaseIsRenewedWhileTheFirstTermLoadsForLongerThanALease() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch loaded = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        LeaderElection.Listener listener = new LeaderElection.Listener() {
            @Override
            public void elected(long epoch) {
                events.add("elected " + epoch);
                loading.countDown();
                try {
                    loaded.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void deposed(long epoch, String why) {
                events.add("deposed " + epoch + ": " + why);
            }

            @Override
            public void standby(LeaderLease.Holder holder) {
                events.add("standby");
            }
        };
        LeaderElection election = new LeaderElection(new LeaderLease(db.target(), "me", "me:7700", LEASE), LEASE,
                listener);
        Thread starting = new Thread(() -> election.start(Duration.ofSeconds(30)));
        starting.start();
        try {
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            Instant first = expiresAt();
            // still loading, a whole lease later: renewed all along
            await().atMost(Duration.ofSeconds(10)).until(() -> expiresAt().isAfter(first.plus(LEASE.multipliedBy(2))));
            assertThat(events).containsExactly("elected 1");
            loaded.countDown();
            starting.join(10_000);
            assertThat(starting.isAlive()).as("start returns once the first term has started").isFalse();
        } finally {
            loaded.countDown();
            election.close();
        }
        assertThat(events).containsExactly("elected 1", "deposed 1: the controller is stopping");
    }
}
