package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.SMALL;
import static io.herd.controller.placement.Fixtures.engineWith;
import static io.herd.controller.placement.Fixtures.group;
import static io.herd.controller.placement.Fixtures.host;
import static io.herd.controller.placement.Fixtures.hostOf;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComplianceTest {
    private final PlacementEngine engine = engineWith(Weighing.SPREAD,
            List.of(host("a", "r1", "z"), host("b", "r1", "z"), host("c", "r2", "z")));

    @Test
    void restoredAntiAffinityOverflowNamesTheNewestMembers() {
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        for (String s : List.of("s1", "s2", "s3")) {
            engine.restore(new Allocation(s, "a", "g", SMALL));
        }
        GroupCompliance compliance = engine.compliance("g");
        assertThat(compliance.compliant()).isFalse();
        assertThat(compliance.violatingServerIds()).containsExactly("s2", "s3");
        assertThat(compliance.reason()).isEqualTo("anti-affinity allows 1 member(s) per host, but host a holds 3");
        assertThat(engine.allocated("a")).isEqualTo(SMALL.times(3));
        // the restored members count: host a stays closed to the group
        assertThat(hostOf(engine.place(request("g", "s4")))).isNotEqualTo("a");

        engine.release("s2");
        assertThat(engine.compliance("g").violatingServerIds()).containsExactly("s3");
        engine.release("s3");
        assertThat(engine.compliance("g")).isEqualTo(GroupCompliance.ok());
    }

    @Test
    void aLimitAboveOneToleratesThatManyPerDomain() {
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.RACK, 2));
        engine.restore(new Allocation("s1", "a", "g", SMALL));
        engine.restore(new Allocation("s2", "b", "g", SMALL));
        assertThat(engine.compliance("g").compliant()).isTrue();
        engine.restore(new Allocation("s3", "a", "g", SMALL));
        assertThat(engine.compliance("g").violatingServerIds()).containsExactly("s3");
    }

    @Test
    void affinityMembersOutsideTheMajorityDomainViolateAndNewMembersJoinTheMajority() {
        engine.upsertGroup(group("g", Policy.AFFINITY, Scope.RACK));
        engine.restore(new Allocation("s1", "c", "g", SMALL));
        engine.restore(new Allocation("s2", "a", "g", SMALL));
        engine.restore(new Allocation("s3", "b", "g", SMALL));
        GroupCompliance compliance = engine.compliance("g");
        assertThat(compliance.violatingServerIds()).containsExactly("s1");
        assertThat(compliance.reason()).isEqualTo("affinity keeps members in one rack, but 1 of 3 are outside rack r1");
        assertThat(hostOf(engine.place(request("g", "s4")))).isIn("a", "b");
    }

    @Test
    void affinityTieGoesToTheDomainOfTheOldestMember() {
        engine.upsertGroup(group("g", Policy.AFFINITY, Scope.HOST));
        engine.restore(new Allocation("s1", "c", "g", SMALL));
        engine.restore(new Allocation("s2", "a", "g", SMALL));
        assertThat(engine.compliance("g").violatingServerIds()).containsExactly("s2");
        assertThat(hostOf(engine.place(request("g", "s3")))).isEqualTo("c");
    }

    @Test
    void softPoliciesAlwaysComply() {
        engine.upsertGroup(group("sa", Policy.SOFT_ANTI_AFFINITY, Scope.HOST));
        engine.upsertGroup(group("sf", Policy.SOFT_AFFINITY, Scope.HOST));
        engine.restore(new Allocation("s1", "a", "sa", SMALL));
        engine.restore(new Allocation("s2", "a", "sa", SMALL));
        engine.restore(new Allocation("s3", "a", "sf", SMALL));
        engine.restore(new Allocation("s4", "b", "sf", SMALL));
        assertThat(engine.compliance("sa")).isEqualTo(GroupCompliance.ok());
        assertThat(engine.compliance("sf")).isEqualTo(GroupCompliance.ok());
    }

    @Test
    void restoringAServerAgainMovesIt() {
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        engine.restore(new Allocation("s1", "a", "g", SMALL));
        engine.restore(new Allocation("s1", "b", "g", SMALL));
        assertThat(engine.allocated("a")).isEqualTo(Resources.ZERO);
        assertThat(engine.allocation("s1")).contains(new Allocation("s1", "b", "g", SMALL));
        assertThat(engine.members("g")).hasSize(1);
        engine.upsertHost(host("b", "r1", "z").withUp(false));
        engine.upsertHost(host("c", "r2", "z").withUp(false));
        assertThat(hostOf(engine.place(request("g", "s2")))).isEqualTo("a");
        noValidHost(engine.place(request("g", "s3")));
    }

    @Test
    void restoringOntoAnUnknownHostOrGroupIsRefused() {
        assertThatThrownBy(() -> engine.restore(new Allocation("s1", "nowhere", null, SMALL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown host nowhere");
        assertThatThrownBy(() -> engine.restore(new Allocation("s1", "a", "nogroup", SMALL)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown group nogroup");
        assertThat(engine.allocation("s1")).isEmpty();
    }
}
