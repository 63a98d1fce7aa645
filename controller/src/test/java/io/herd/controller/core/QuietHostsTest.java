package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.controller.model.HostRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A quiet host's heartbeat is written without the inventory's lock, while the liveness check
 * looks at the same host under it: whichever comes first, a heartbeat is either seen by the
 * check or handled under the lock.
 */
class QuietHostsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant CUTOFF = T0.plus(Duration.ofSeconds(15));

    private final HeartbeatTimes times = new HeartbeatTimes();
    private final QuietHosts quiet = new QuietHosts();
    private final HostRecord host = HostRecord.placeholder("a");

    private QuietHosts.Quiet markQuiet() {
        QuietHosts.Quiet q = new QuietHosts.Quiet(host, List.of(), times.heard("a", T0));
        quiet.put("a", q);
        return q;
    }

    private boolean silent() {
        return quiet.silent("a", () -> times.before(host, CUTOFF));
    }

    @Test
    void aQuietHeartbeatIsWrittenInPlaceAndSeenByTheLivenessCheck() {
        QuietHosts.Quiet q = markQuiet();

        assertThat(quiet.heard("a", q, CUTOFF.plusSeconds(1))).isTrue();

        assertThat(times.last(host)).isEqualTo(CUTOFF.plusSeconds(1));
        assertThat(silent()).isFalse();
    }

    @Test
    void aHostFoundSilentIsQuietNoMoreSoItsNextHeartbeatIsHandledWhole() {
        QuietHosts.Quiet q = markQuiet();

        assertThat(silent()).isTrue();

        assertThat(quiet.get("a")).isNull();
        assertThat(quiet.heard("a", q, CUTOFF.plusSeconds(1))).isFalse();
    }

    @Test
    void aHeartbeatComparedWithAnOlderQuietStateIsHandledWhole() {
        QuietHosts.Quiet first = markQuiet();
        quiet.forget("a");
        markQuiet();

        assertThat(quiet.heard("a", first, CUTOFF.plusSeconds(1))).isFalse();
    }

    @Test
    void timesBeyondALongOfNanosecondsAreHeldAsTheNearestOne() {
        HeartbeatTimes.Slot slot = times.heard("b", Instant.MAX);
        assertThat(slot.before(Instant.parse("9999-01-01T00:00:00Z"))).isFalse();

        slot.set(Instant.MIN);
        assertThat(slot.before(Instant.EPOCH)).isTrue();
        slot.set(T0.plusNanos(7));
        assertThat(slot.get()).isEqualTo(T0.plusNanos(7));
    }
}
