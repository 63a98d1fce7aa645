package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.LeaderLease;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.PostgresTestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A core whose term is over (another controller took over while it was paused) writes
 * nothing more, refuses every change saying why, and says so once to its owner; what it had
 * not written is left for the next term to settle, as after a crash.
 */
class TermEndTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PostgresTestDatabase db;
    private PostgresStore store;

    @BeforeEach
    void open() {
        db = PostgresTestDatabase.create();
        store = PostgresStore.open(db.target());
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
        db.close();
    }

    private static HostReport report(String host) {
        return new HostReport(host, host, host + ":7701", "", "", new HostCapacity(8, 16_384, 100, 100, 0, 0, 0,
                1.0, 1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", List.of());
    }

    @Test
    void aDeposedLeaderWritesNothingAndRefusesEveryChange() {
        FakeAgents agents = new FakeAgents();
        agents.launchGate = new CountDownLatch(1);
        List<String> ended = new CopyOnWriteArrayList<>();
        try (LeaderLease mine = new LeaderLease(db.target(), "me", "me:7700", Duration.ofMillis(500));
             LeaderLease theirs = new LeaderLease(db.target(), "them", "them:7700", Duration.ofMinutes(5))) {
            long term = mine.tryTakeOver().orElseThrow();
            String id;
            try (ControllerCore core = ControllerCore.start(store.term(term), new PlacementEngine(Weighing.SPREAD),
                    agents, new FakeClock(T0), new CoreSettings(Duration.ofSeconds(5), 0, 0, 2))) {
                core.onTermEnded(ended::add);
                core.hosts().heartbeat(report("h1"));
                id = core.servers().create(new CreateServers("s", 1, 512, 0, "", "", "", 1, "r1")).servers().get(0)
                        .server().id();
                await().until(() -> agents.launches.size() == 1);

                // paused past its lease: another controller leads now
                await().atMost(Duration.ofSeconds(10)).until(() -> theirs.tryTakeOver().isPresent());
                agents.launchGate.countDown();

                // the launch outcome is refused by the database, and ends the term
                await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 1);
                assertThat(ended.get(0)).contains("term " + term + " is over");
                assertThatThrownBy(() -> core.groups().create("web", Policy.ANTI_AFFINITY, Scope.HOST, 1, null))
                        .isInstanceOfSatisfying(ControllerException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ControllerException.Kind.UNAVAILABLE);
                            assertThat(e.getMessage()).contains("stopped leading").contains("nothing was changed");
                        });
                assertThatThrownBy(() -> core.servers().create(new CreateServers("t", 1, 512, 0, "", "", "", 1, "")))
                        .isInstanceOf(ControllerException.class);
            }
            // the store holds what the term wrote while it lasted, and nothing after
            assertThat(store.loadServers()).extracting(ServerRecord::id, s -> s.status().name())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(id, "BUILDING"));
            assertThat(store.loadGroups()).isEmpty();
            assertThat(ended).hasSize(1);
        }
    }
}
