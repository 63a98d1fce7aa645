package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.testing.FakeHypervisor;
import io.herd.agent.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-fencing: destroy the fenced domains once the controller has been silent for the fencing period. */
class FencingTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeHypervisor hypervisor = new FakeHypervisor();
    private final UUID fenced = UUID.randomUUID();
    private final UUID kept = UUID.randomUUID();

    private void launchBoth() throws Exception {
        hypervisor.launch(new DomainSpec(fenced, "evacuating", 1, 64, 0, "", "g1", "", true));
        hypervisor.launch(new DomainSpec(kept, "waiting", 1, 64, 0, "", "g2", "", false));
    }

    private List<UUID> running() throws Exception {
        return hypervisor.listDomains().stream().map(HerdDomain::spec).map(DomainSpec::serverId).toList();
    }

    @Test
    void fencedDomainsAreDestroyedOnlyOnceThePeriodPassesWithoutAnAnswer() throws Exception {
        launchBoth();
        AtomicInteger after = new AtomicInteger();
        Fencing fencing = new Fencing(hypervisor, dir, clock, after::incrementAndGet);
        fencing.acknowledged(30_000, List.of());
        fencing.unanswered();

        clock.advance(Duration.ofSeconds(29));
        fencing.check();
        assertThat(running()).containsExactlyInAnyOrder(fenced, kept);

        clock.advance(Duration.ofSeconds(1));
        fencing.check();
        assertThat(running()).containsExactly(kept);
        assertThat(fencing.toReport()).containsExactly(fenced.toString());
        assertThat(after).hasValue(1);

        // reported until an answered heartbeat carried it
        fencing.acknowledged(30_000, List.of());
        assertThat(fencing.toReport()).containsExactly(fenced.toString());
        fencing.acknowledged(30_000, List.of(fenced.toString()));
        assertThat(fencing.toReport()).isEmpty();
    }

    @Test
    void aControllerThatNeverAskedForFencingIsNeverFenced() throws Exception {
        launchBoth();
        Fencing fencing = new Fencing(hypervisor, dir, clock, () -> { });
        fencing.acknowledged(0, List.of());
        fencing.unanswered();
        clock.advance(Duration.ofDays(1));
        fencing.check();
        assertThat(running()).containsExactlyInAnyOrder(fenced, kept);
        assertThat(fencing.deadline()).isNull();
    }

    @Test
    void aRestartedAgentKeepsThePeriodAndTheLastAnswerAndFencesOnlyIfItsFirstHeartbeatFails() throws Exception {
        launchBoth();
        Fencing before = new Fencing(hypervisor, dir, clock, () -> { });
        before.acknowledged(30_000, List.of());
        before.close();
        clock.advance(Duration.ofMinutes(5));

        Fencing after = new Fencing(hypervisor, dir, clock, () -> { });
        assertThat(after.deadline()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        after.check();
        assertThat(running()).as("no heartbeat tried yet").containsExactlyInAnyOrder(fenced, kept);
        after.unanswered();
        after.check();
        assertThat(running()).containsExactly(kept);

        // what it fenced survives another restart until the controller hears of it
        Fencing third = new Fencing(hypervisor, dir, clock, () -> { });
        assertThat(third.toReport()).containsExactly(fenced.toString());
    }

    @Test
    void theCheckRunsOnItsOwnSchedule() throws Exception {
        launchBoth();
        Fencing fencing = new Fencing(hypervisor, dir, clock, () -> { });
        fencing.acknowledged(1_000, List.of());
        fencing.unanswered();
        clock.advance(Duration.ofSeconds(2));
        fencing.start(Duration.ofMillis(20));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> running().equals(List.of(kept)));
        } finally {
            fencing.close();
        }
    }
}
