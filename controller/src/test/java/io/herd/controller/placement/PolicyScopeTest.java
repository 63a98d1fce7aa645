package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.domainOf;
import static io.herd.controller.placement.Fixtures.engineWith;
import static io.herd.controller.placement.Fixtures.group;
import static io.herd.controller.placement.Fixtures.hostOf;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each policy at each scope, over 2 zones × 2 racks × 2 hosts. */
class PolicyScopeTest {
    private final List<HostSpec> hosts = Fixtures.twoByTwoByTwo();
    private final Map<String, HostSpec> byId = hosts.stream().collect(Collectors.toMap(HostSpec::id, Function.identity()));

    private int domains(Scope scope) {
        return hosts.stream().map(h -> domainOf(h, scope)).collect(Collectors.toSet()).size();
    }

    private Map<String, Integer> membersPerDomain(List<String> placedHosts, Scope scope) {
        Map<String, Integer> counts = new HashMap<>();
        placedHosts.forEach(h -> counts.merge(domainOf(byId.get(h), scope), 1, Integer::sum));
        return counts;
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void antiAffinityPutsOneMemberPerDomainThenRefuses(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, scope));
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < domains(scope); i++) {
            placed.add(hostOf(engine.place(request("g", "s" + i))));
        }
        assertThat(membersPerDomain(placed, scope)).hasSize(domains(scope)).allSatisfy((d, n) -> assertThat(n).isEqualTo(1));
        PlacementResult.NoValidHost none = noValidHost(engine.place(request("g", "extra")));
        assertThat(none.rejections()).containsExactly(Map.entry(Rejection.ANTI_AFFINITY, hosts.size()));
        assertThat(engine.allocation("extra")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void antiAffinityWithMaxTwoAllowsTwoPerDomain(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, scope, 2));
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 2 * domains(scope); i++) {
            placed.add(hostOf(engine.place(request("g", "s" + i))));
        }
        assertThat(membersPerDomain(placed, scope)).hasSize(domains(scope)).allSatisfy((d, n) -> assertThat(n).isEqualTo(2));
        assertThat(noValidHost(engine.place(request("g", "extra"))).explanation())
                .contains("max 2 per " + scope.displayName());
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void affinityKeepsEveryMemberInTheFirstMembersDomain(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.AFFINITY, scope));
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            placed.add(hostOf(engine.place(request("g", "s" + i))));
        }
        assertThat(membersPerDomain(placed, scope)).hasSize(1);
        // within a rack or zone the members still spread over its hosts by free memory
        assertThat(new HashSet<>(placed)).hasSize(scope == Scope.HOST ? 1 : scope == Scope.RACK ? 2 : 4);
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void affinityRefusesWhenTheMembersDomainIsFull(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.AFFINITY, scope));
        Resources big = new Resources(16, 1024, 10);
        int fits = hosts.size() / domains(scope);
        for (int i = 0; i < fits; i++) {
            hostOf(engine.place(request("g", big, "s" + i)));
        }
        PlacementResult.NoValidHost none = noValidHost(engine.place(request("g", big, "extra")));
        assertThat(none.rejections()).containsEntry(Rejection.AFFINITY, hosts.size() - fits)
                .containsEntry(Rejection.INSUFFICIENT_VCPUS, fits);
        assertThat(none.explanation()).contains("outside " + scope.displayName());
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void softAntiAffinitySpreadsEvenlyAndNeverFails(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.PACK, hosts);
        engine.upsertGroup(group("g", Policy.SOFT_ANTI_AFFINITY, scope));
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 3 * domains(scope) + 1; i++) {
            placed.add(hostOf(engine.place(request("g", "s" + i))));
            Map<String, Integer> counts = membersPerDomain(placed, scope);
            int min = counts.size() < domains(scope) ? 0 : counts.values().stream().min(Integer::compare).orElseThrow();
            int max = counts.values().stream().max(Integer::compare).orElseThrow();
            assertThat(max - min).as("members per %s after %d", scope, i + 1).isLessThanOrEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void softAffinityGathersMembersAndOverflowsInsteadOfFailing(Scope scope) {
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.SOFT_AFFINITY, scope));
        Resources half = new Resources(8, 1024, 10);
        int fits = 2 * hosts.size() / domains(scope);
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < fits; i++) {
            placed.add(hostOf(engine.place(request("g", half, "s" + i))));
        }
        assertThat(membersPerDomain(placed, scope)).hasSize(1);
        String overflow = hostOf(engine.place(request("g", half, "overflow")));
        assertThat(placed).doesNotContain(overflow);
    }

    @ParameterizedTest
    @EnumSource(value = Scope.class, names = {"RACK", "ZONE"})
    void aBlankLabelMakesTheHostADomainOfItsOwn(Scope scope) {
        List<HostSpec> unlabeled = List.of(Fixtures.host("a", "", ""), Fixtures.host("b", "", ""),
                Fixtures.host("c", "r", "z"), Fixtures.host("d", "r", "z"));
        PlacementEngine engine = engineWith(Weighing.SPREAD, unlabeled);
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, scope));
        Set<String> placed = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            placed.add(hostOf(engine.place(request("g", "s" + i))));
        }
        assertThat(placed).contains("a", "b").hasSize(3);
        assertThat(noValidHost(engine.place(request("g", "s3"))).rejections())
                .containsExactly(Map.entry(Rejection.ANTI_AFFINITY, 4));
    }
}
