package io.herd.controller.placement;

import static io.herd.controller.placement.Fixtures.group;
import static io.herd.controller.placement.Fixtures.host;
import static io.herd.controller.placement.Fixtures.hostOf;
import static io.herd.controller.placement.Fixtures.noValidHost;
import static io.herd.controller.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    @Test
    void countsEachHostOnceAndSaysWhatToChange() {
        PlacementEngine engine = new PlacementEngine(Weighing.SPREAD);
        for (int i = 1; i <= 12; i++) {
            engine.upsertHost(host(String.format("h%02d", i), "r", "z", 16, 16384, 160));
        }
        engine.upsertHost(host("h13", "r", "z", 16, 2048, 160));
        engine.upsertHost(host("h14", "r", "z", 16, 1024, 160));
        engine.upsertHost(host("h15", "r", "z", 16, 1024, 160));
        // down and short of memory: counted once, as down
        engine.upsertHost(host("h16", "r", "z", 16, 1024, 160).withUp(false));
        engine.upsertGroup(new GroupSpec("g-web", "web", Policy.ANTI_AFFINITY, Scope.HOST, 1));
        for (int i = 1; i <= 12; i++) {
            assertThat(hostOf(engine.place(request("g-web", new Resources(1, 4096, 10), "m" + i)))).startsWith("h");
        }

        PlacementResult.NoValidHost none = noValidHost(engine.place(
                request("g-web", new Resources(1, 4096, 10), "n1", "n2", "n3")));

        assertThat(none.rejections()).containsOnly(Map.entry(Rejection.ANTI_AFFINITY, 12),
                Map.entry(Rejection.INSUFFICIENT_MEMORY, 3), Map.entry(Rejection.HOST_DOWN, 1));
        assertThat(none.explanation()).isEqualTo("no valid host for 3 servers of group web (anti-affinity, scope host,"
                + " max 1 per host): 12 hosts already hold a member, 3 lack memory (need 4096 MiB, best has 2048 MiB),"
                + " 1 is down");
    }

    @Test
    void namesTheAffinityDomainAndTheShortResources() {
        PlacementEngine engine = new PlacementEngine(Weighing.SPREAD);
        engine.upsertHost(host("a1", "ra", "z", 4, 16384, 100));
        engine.upsertHost(host("b1", "rb", "z", 16, 16384, 100));
        engine.upsertGroup(group("db", Policy.AFFINITY, Scope.RACK));
        assertThat(hostOf(engine.place(request("db", new Resources(4, 1024, 10), "s1")))).isEqualTo("a1");

        PlacementResult.NoValidHost none = noValidHost(engine.place(request("db", new Resources(2, 1024, 10), "s2")));

        assertThat(none.explanation()).isEqualTo("no valid host for 1 server of group db (affinity, scope rack):"
                + " 1 host is outside rack ra, which holds the group's members, 1 lacks vCPUs (need 2, best has 0)");
    }

    @Test
    void saysSoWhenThereAreNoHosts() {
        PlacementEngine engine = new PlacementEngine(Weighing.PACK);
        PlacementResult.NoValidHost none = noValidHost(engine.place(request(null, "s1")));
        assertThat(none.rejections()).isEmpty();
        assertThat(none.explanation()).isEqualTo("no valid host for 1 server: there are no hosts");
    }

    @Test
    void rackScopedAntiAffinityWithALimitSaysHowManyTheRackHolds() {
        PlacementEngine engine = Fixtures.engineWith(Weighing.SPREAD, Fixtures.twoByTwoByTwo());
        engine.upsertGroup(group("g", Policy.ANTI_AFFINITY, Scope.ZONE, 2));
        for (int i = 0; i < 4; i++) {
            hostOf(engine.place(request("g", "s" + i)));
        }
        assertThat(noValidHost(engine.place(request("g", Fixtures.SMALL, "s4"))).explanation())
                .isEqualTo("no valid host for 1 server of group g (anti-affinity, scope zone, max 2 per zone):"
                        + " 8 hosts are in a zone that already holds 2 members");
    }
}
