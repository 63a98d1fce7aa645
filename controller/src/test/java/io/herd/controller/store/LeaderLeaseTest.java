package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's lease on a real PostgreSQL, and the fence it puts on every write: a controller
 * whose term is over writes nothing, whatever it still believes.
 */
class LeaderLeaseTest {

    private static final Duration SHORT = Duration.ofMillis(600);
    private static final Duration LONG = Duration.ofMinutes(5);

    private PostgresTestDatabase database;
    private PostgresStore store;

    @BeforeEach
    void open() {
        database = PostgresTestDatabase.create();
        store = PostgresStore.open(database.target());
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
        database.close();
    }

    private LeaderLease lease(String holder, Duration length) {
        return new LeaderLease(database.target(), holder, holder + ":7700", length);
    }

    private static GroupRecord group(String id) {
        return new GroupRecord(id, id, Policy.ANTI_AFFINITY, Scope.HOST, 1, Instant.parse("2026-01-01T00:00:00Z"),
                HostFailurePolicy.NONE);
    }

    @Test
    void oneControllerAtATimeHoldsTheLeaseAndTheOthersSeeWho() {
        try (LeaderLease a = lease("a", LONG); LeaderLease b = lease("b", LONG)) {
            Optional<Long> term = a.tryTakeOver();
            assertThat(term).contains(1L);
            assertThat(b.tryTakeOver()).isEmpty();
            assertThat(b.read()).isEqualTo(new LeaderLease.Holder(1, "a", "a:7700", true));
            assertThat(a.renew(1)).isTrue();
            assertThat(b.renew(1)).as("only the holder renews").isFalse();
        }
    }

    @Test
    void aLeaseThatRunsOutIsTakenOverInANewTermAndTheOldTermWritesNothing() {
        try (LeaderLease a = lease("a", SHORT); LeaderLease b = lease("b", SHORT)) {
            long first = a.tryTakeOver().orElseThrow();
            Store asA = store.term(first);
            asA.insertGroup(group("g1"));

            // a is paused: it neither renews nor writes until b has taken over
            long second = await().atMost(Duration.ofSeconds(10)).until(b::tryTakeOver, Optional::isPresent).get();
            assertThat(second).isEqualTo(first + 1);

            assertThatThrownBy(() -> asA.insertGroup(group("g2")))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.endsTerm()).isTrue();
                        assertThat(e.getMessage()).contains("term " + first + " is over").contains("writing nothing");
                    });
            assertThat(a.renew(first)).isFalse();
            store.term(second).insertGroup(group("g3"));
            assertThat(store.loadGroups()).extracting(GroupRecord::id).containsExactlyInAnyOrder("g1", "g3");
        }
    }

    @Test
    void aLeaderWhoseLeaseRanOutWritesNothingEvenBeforeAnotherTakesOver() {
        try (LeaderLease a = lease("a", SHORT)) {
            long term = a.tryTakeOver().orElseThrow();
            Store asA = store.term(term);
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.read().live());
            assertThatThrownBy(() -> asA.apply(List.of(new Mutation.InsertGroup(group("late")))))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.getMessage()).contains("ran out"));
            assertThat(store.loadGroups()).isEmpty();
        }
    }

    @Test
    void aReleasedLeaseIsTakenOverAtOnceAndItsHolderMayLeadAgainInANewTerm() {
        try (LeaderLease a = lease("a", LONG); LeaderLease b = lease("b", LONG)) {
            long first = a.tryTakeOver().orElseThrow();
            assertThat(a.tryTakeOver()).as("its holder takes it again in a new term (after stepping down)")
                    .contains(first + 1);
            a.release(first + 1);
            assertThat(b.tryTakeOver()).contains(first + 2);
            assertThat(a.tryTakeOver()).isEmpty();
        }
    }
}
