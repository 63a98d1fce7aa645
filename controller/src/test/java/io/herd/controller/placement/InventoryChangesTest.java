package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.engineWith;
import static io.herd.controller.placement.Fixtures.group;
import static io.herd.controller.placement.Fixtures.host;
import static io.herd.controller.placement.Fixtures.hostOf;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryChangesTest {

    @Test
    void aHostThatGoesDownOrUnschedulableIsNotChosenUntilItComesBack() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z")));
        engine.upsertHost(host("a", "r", "z").withUp(false));
        assertThat(noValidHost(engine.place(request(null, "s1"))).rejections())
                .containsExactly(Map.entry(Rejection.HOST_DOWN, 1));
        engine.upsertHost(host("a", "r", "z").withSchedulable(false));
        assertThat(noValidHost(engine.place(request(null, "s1"))).rejections())
                .containsExactly(Map.entry(Rejection.HOST_UNSCHEDULABLE, 1));
        engine.upsertHost(host("a", "r", "z"));
        assertThat(hostOf(engine.place(request(null, "s1")))).isEqualTo("a");
    }

    @Test
    void releaseGivesBackCapacityAndMembership() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z", 2, 4096, 20)));
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        Resources flavor = new Resources(2, 4096, 20);
        assertThat(hostOf(engine.place(request("g", flavor, "s1")))).isEqualTo("a");
        noValidHost(engine.place(request("g", flavor, "s2")));
        assertThat(engine.release("s1")).isTrue();
        assertThat(engine.release("s1")).isFalse();
        assertThat(engine.allocated("a")).isEqualTo(Resources.ZERO);
        assertThat(engine.members("g")).isEmpty();
        assertThat(hostOf(engine.place(request("g", flavor, "s2")))).isEqualTo("a");
    }

    @Test
    void removingAHostForgetsItsAllocations() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z"), host("b", "r", "z")));
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.RACK));
        String first = hostOf(engine.place(request("g", "s1")));
        engine.removeHost(first);
        assertThat(engine.allocation("s1")).isEmpty();
        assertThat(engine.host(first)).isEmpty();
        assertThat(engine.allocationsOn(first)).isEmpty();
        assertThat(hostOf(engine.place(request("g", "s2")))).isNotEqualTo(first);
        engine.upsertHost(host(first, "r", "z"));
        assertThat(engine.allocated(first)).isEqualTo(Resources.ZERO);
        noValidHost(engine.place(request("g", "s3")));
    }

    @Test
    void removingAGroupKeepsItsMembersAllocationsWithoutAGroup() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z")));
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        hostOf(engine.place(request("g", "s1")));
        engine.removeGroup("g");
        assertThat(engine.allocation("s1")).contains(new Allocation("s1", "a", null, Fixtures.SMALL));
        assertThat(engine.allocated("a")).isEqualTo(Fixtures.SMALL);
        assertThatThrownBy(() -> engine.place(request("g", "s2"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown group g");
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        assertThat(hostOf(engine.place(request("g", "s2")))).isEqualTo("a");
    }

    @Test
    void changingAHostsRackMovesItsMembersCounts() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(
                host("a", "r1", "z", 16, 32768, 160), host("b", "r1", "z"), host("c", "r2", "z")));
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.RACK));
        assertThat(hostOf(engine.place(request("g", "s1")))).isEqualTo("a");
        engine.upsertHost(host("a", "r2", "z", 16, 32768, 160));
        assertThat(hostOf(engine.place(request("g", "s2")))).isEqualTo("b");
        assertThat(engine.allocated("a")).isEqualTo(Fixtures.SMALL);
    }

    @Test
    void changingAGroupsScopeCountsItsMembersAgain() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        hostOf(engine.place(request("g", "s1")));
        hostOf(engine.place(request("g", "s2")));
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.ZONE));
        assertThat(engine.compliance("g").violatingServerIds()).containsExactly("s2");
        assertThat(hostOf(engine.place(request("g", "s3")))).startsWith("z2");
        assertThat(noValidHost(engine.place(request("g", "s4"))).rejections())
                .containsExactly(Map.entry(Rejection.ANTI_AFFINITY, 8));
    }

    @Test
    void shrinkingAHostKeepsWhatIsAllocatedAndRefusesMore() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z", 4, 4096, 100)));
        hostOf(engine.place(request(null, new Resources(2, 2048, 10), "s1")));
        engine.upsertHost(host("a", "r", "z", 1, 4096, 100));
        assertThat(engine.allocated("a")).isEqualTo(new Resources(2, 2048, 10));
        assertThat(noValidHost(engine.place(request(null, new Resources(1, 1, 1), "s2"))).explanation())
                .contains("1 host lacks vCPUs (need 1, best has 0)");
    }

    @Test
    void badRequestsChangeNothing() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(host("a", "r", "z")));
        hostOf(engine.place(request(null, "s1")));
        assertThatThrownBy(() -> engine.place(request(null, "s2", "s2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s2 appears twice");
        assertThatThrownBy(() -> engine.place(request(null, "s3", "s1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s1 already has an allocation");
        assertThat(engine.allocation("s3")).isEmpty();
        assertThat(engine.allocated("a")).isEqualTo(Fixtures.SMALL);
    }
}
