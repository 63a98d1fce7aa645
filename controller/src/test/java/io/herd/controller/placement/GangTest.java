package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.engineWith;
import static io.herd.controller.placement.Fixtures.group;
import static io.herd.controller.placement.Fixtures.host;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.placed;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GangTest {

    private static List<String> hosts(PlacementResult result) {
        return placed(result).stream().map(Allocation::hostId).collect(Collectors.toList());
    }

    @Test
    void antiAffinityGangTakesDistinctHostsAroundExistingMembers() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.HOST));
        String first = hosts(engine.place(request("g", "s0"))).get(0);
        List<String> gang = hosts(engine.place(request("g", "s1", "s2", "s3", "s4", "s5", "s6", "s7")));
        assertThat(gang).doesNotHaveDuplicates().doesNotContain(first).hasSize(7);
        assertThat(placed(engine.place(request(null, "free"))).get(0).serverId()).isEqualTo("free");
        noValidHost(engine.place(request("g", "s8")));
    }

    @Test
    void allocationsComeBackInTheOrderOfTheServerIds() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        List<Allocation> allocations = placed(engine.place(request(null, "c", "a", "b")));
        assertThat(allocations).extracting(Allocation::serverId).containsExactly("c", "a", "b");
    }

    @Test
    void aGangThatDoesNotFitClaimsNothing() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.RACK));
        PlacementResult.NoValidHost none = noValidHost(engine.place(request("g", "s1", "s2", "s3", "s4", "s5")));
        assertThat(none.rejections()).isEmpty();
        assertThat(none.explanation()).isEqualTo("no valid host for 5 servers of group g (anti-affinity, scope rack,"
                + " max 1 per rack): the 8 hosts that pass every filter have room for only 4 of the 5 servers");
        for (String server : List.of("s1", "s2", "s3", "s4", "s5")) {
            assertThat(engine.allocation(server)).isEmpty();
        }
        Fixtures.twoByTwoByTwo().forEach(h -> assertThat(engine.allocated(h.id())).isEqualTo(Resources.ZERO));
        assertThat(engine.members("g")).isEmpty();
        assertThat(placed(engine.place(request("g", "s1", "s2", "s3", "s4")))).hasSize(4);
    }

    @Test
    void affinityGangPicksTheDomainWithRoomForAllOfIt() {
        List<HostSpec> hosts = new ArrayList<>();
        // r1 has the most free memory but room for only two servers (two vCPUs each)
        hosts.add(host("r1a", "r1", "z", 2, 32768, 160));
        hosts.add(host("r1b", "r1", "z", 2, 32768, 160));
        for (String h : List.of("r2a", "r2b", "r2c")) {
            hosts.add(host(h, "r2", "z", 16, 16384, 160));
        }
        PlacementEngine engine = engineWith(Weighing.SPREAD, hosts);
        engine.upsertGroup(group("g", Policy.AFFINITY, Scope.RACK));
        Resources flavor = new Resources(2, 1024, 10);
        assertThat(hosts(engine.place(request("g", flavor, "s1", "s2", "s3", "s4"))))
                .allSatisfy(h -> assertThat(h).startsWith("r2"));

        engine.upsertGroup(group("big", Policy.AFFINITY, Scope.RACK));
        PlacementResult.NoValidHost none = noValidHost(engine.place(request("big", flavor,
                "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15",
                "b16", "b17", "b18", "b19", "b20", "b21")));
        assertThat(none.explanation()).isEqualTo("no valid host for 21 servers of group big (affinity, scope rack):"
                + " no rack has room for all 21 servers (the roomiest rack has room for 20)");
        assertThat(engine.members("big")).isEmpty();
    }

    @Test
    void affinityGangAtHostScopeNeedsOneHostForAll() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, List.of(
                host("wide", "r", "z", 2, 65536, 160), host("deep", "r", "z", 16, 16384, 160)));
        engine.upsertGroup(group("g", Policy.AFFINITY, Scope.HOST));
        assertThat(hosts(engine.place(request("g", new Resources(2, 1024, 10), "s1", "s2", "s3"))))
                .containsOnly("deep");
    }

    @Test
    void softAntiAffinityGangSpreadsItsOwnPicks() {
        PlacementEngine engine = engineWith(Weighing.PACK, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.SOFT_ANTI_AFFINITY, Scope.RACK));
        List<String> gang = hosts(engine.place(request("g", "s1", "s2", "s3", "s4")));
        assertThat(gang.stream().map(h -> h.substring(0, 4)).distinct()).hasSize(4);
    }

    @Test
    void softAffinityGangGathersItsOwnPicks() {
        PlacementEngine engine = engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.SOFT_AFFINITY, Scope.HOST));
        assertThat(hosts(engine.place(request("g", "s1", "s2", "s3", "s4"))).stream().distinct()).hasSize(1);
    }
}
