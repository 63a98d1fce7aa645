package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.avoiding;
import static io.herd.controller.placement.Fixtures.engineWith;
import static io.herd.controller.placement.Fixtures.host;
import static io.herd.controller.placement.Fixtures.hostOf;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiltersAndWeighingTest {

    @Test
    void downUnschedulableAndAvoidedHostsAreTurnedAway() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(
                host("a", "r", "z").withUp(false), host("b", "r", "z").withSchedulable(false), host("c", "r", "z")));
        PlacementResult.NoValidHost none = noValidHost(engine.place(avoiding(Set.of("c"), null, "s1")));
        assertThat(none.rejections()).containsOnly(Map.entry(Rejection.HOST_DOWN, 1),
                Map.entry(Rejection.HOST_UNSCHEDULABLE, 1), Map.entry(Rejection.HOST_AVOIDED, 1));
        assertThat(hostOf(engine.place(request(null, "s1")))).isEqualTo("c");
    }

    @Test
    void capacityFollowsRatiosReservationsAndForeignUse() {
        // vcpus: 4 × 4.0 − 2 = 14, minus 4 foreign = 10; memory: (16384 − 2048) × 1.5 = 21504,
        // minus 1504 foreign = 20000; disk: 100 − 10 − 20 = 70
        HostSpec host = new HostSpec("h", "h", "r", "z", new Resources(4, 16384, 100), new Resources(2, 2048, 10),
                4.0, 1.5, new Resources(4, 1504, 20), true, true);
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host));
        assertThat(hostOf(engine.place(request(null, new Resources(10, 20000, 70), "full")))).isEqualTo("h");
        assertThat(engine.allocated("h")).isEqualTo(new Resources(10, 20000, 70));
        assertThat(noValidHost(engine.place(request(null, new Resources(1, 0, 0), "cpu"))).rejections())
                .containsExactly(Map.entry(Rejection.INSUFFICIENT_VCPUS, 1));
        assertThat(noValidHost(engine.place(request(null, new Resources(0, 1, 0), "mem"))).rejections())
                .containsExactly(Map.entry(Rejection.INSUFFICIENT_MEMORY, 1));
        assertThat(noValidHost(engine.place(request(null, new Resources(0, 0, 1), "disk"))).rejections())
                .containsExactly(Map.entry(Rejection.INSUFFICIENT_DISK, 1));
        assertThat(hostOf(engine.place(request(null, Resources.ZERO, "nothing")))).isEqualTo("h");
    }

    @Test
    void spreadPrefersTheMostFreeMemoryThenTheLowestId() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(
                host("b", "r", "z", 8, 8192, 100), host("a", "r", "z", 8, 8192, 100), host("c", "r", "z", 8, 4096, 100)));
        Resources flavor = new Resources(1, 2048, 1);
        assertThat(hostOf(engine.place(request(null, flavor, "s1")))).isEqualTo("a");
        assertThat(hostOf(engine.place(request(null, flavor, "s2")))).isEqualTo("b");
        assertThat(hostOf(engine.place(request(null, flavor, "s3")))).isEqualTo("a");
    }

    @Test
    void packPrefersTheLeastFreeMemoryThatStillFits() {
        PlacementEngine engine = engineWith(Weighing.PACK, List.of(
                host("small", "r", "z", 8, 1024, 100), host("mid", "r", "z", 8, 4096, 100),
                host("big", "r", "z", 8, 8192, 100)));
        Resources flavor = new Resources(1, 2048, 1);
        assertThat(hostOf(engine.place(request(null, flavor, "s1")))).isEqualTo("mid");
        assertThat(hostOf(engine.place(request(null, flavor, "s2")))).isEqualTo("mid");
        assertThat(hostOf(engine.place(request(null, flavor, "s3")))).isEqualTo("big");
    }

    @Test
    void packSkipsHostsThatHaveMemoryButNoVcpus() {
        PlacementEngine engine = engineWith(Weighing.PACK, List.of(
                host("tight", "r", "z", 1, 4096, 100), host("roomy", "r", "z", 8, 8192, 100)));
        Resources flavor = new Resources(2, 1024, 1);
        assertThat(hostOf(engine.place(request(null, flavor, "s1")))).isEqualTo("roomy");
    }
}
