package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.HostCapacity;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Right after a start or a takeover every host is DOWN until it reports. A create that finds
 * no host then is not refused for good while known hosts have not had the time to report:
 * it gets UNAVAILABLE (retry), not "no valid host".
 */
class TakeoverSettlingTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static HostReport report(String host) {
        return new HostReport(host, host, host + ":7701", "", "", new HostCapacity(8, 16_384, 100, 100, 0, 0, 0,
                1.0, 1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", List.of());
    }

    private ControllerCore start(FakeClock clock) {
        return ControllerCore.start(SqliteStore.open(dir.resolve("c.db")), new PlacementEngine(Weighing.SPREAD),
                new FakeAgents(), clock, new CoreSettings(HEARTBEAT, 0, 0, 2));
    }

    private static CreateServers one(String name) {
        return new CreateServers(name, 1, 512, 0, "", "", "", 1, "");
    }

    @Test
    void aCreateBeforeTheHostsThatWereUpReportedIsToldToRetryAndSucceedsOnceOneDid() {
        FakeClock clock = new FakeClock(T0);
        try (ControllerCore first = start(clock)) {
            first.hosts().heartbeat(report("h1"));
        }
        try (ControllerCore next = start(clock)) {
            assertThatThrownBy(() -> next.servers().create(one("early")))
                    .isInstanceOfSatisfying(ControllerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ControllerException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("1 known host(s) have not reported")
                                .contains("retry");
                    });
            next.hosts().heartbeat(report("h1"));
            assertThat(next.servers().create(one("after")).servers()).hasSize(1);
        }
    }

    @Test
    void onceTheHostsHadThreeIntervalsToReportNoValidHostIsFinal() {
        FakeClock clock = new FakeClock(T0);
        try (ControllerCore first = start(clock)) {
            first.hosts().heartbeat(report("h1"));
        }
        try (ControllerCore next = start(clock)) {
            clock.advance(HEARTBEAT.multipliedBy(3));
            assertThatThrownBy(() -> next.servers().create(one("late")))
                    .isInstanceOfSatisfying(ControllerException.class,
                            e -> assertThat(e.kind()).isEqualTo(ControllerException.Kind.RESOURCE_EXHAUSTED));
        }
    }

    @Test
    void aControllerThatKnowsNoHostRefusesAtOnce() {
        try (ControllerCore fresh = start(new FakeClock(T0))) {
            assertThatThrownBy(() -> fresh.servers().create(one("none")))
                    .isInstanceOfSatisfying(ControllerException.class,
                            e -> assertThat(e.kind()).isEqualTo(ControllerException.Kind.RESOURCE_EXHAUSTED));
        }
    }
}
