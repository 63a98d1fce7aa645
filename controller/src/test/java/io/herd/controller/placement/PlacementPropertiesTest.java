package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random inventories and random sequences of place and release never break a hard policy or
 * a host's capacity, as recounted by {@link IndependentChecker} over the final state.
 */
class PlacementPropertiesTest {

    @Property(tries = 200)
    void singleThreadedSequencesKeepEveryHardRule(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int hostCount,
                                                  @ForAll @IntRange(min = 1, max = 4) int groupCount,
                                                  @ForAll boolean pack) {
        RandomInventory inventory = new RandomInventory(seed, hostCount, groupCount);
        PlacementEngine engine = inventory.newEngine(pack ? Weighing.PACK : Weighing.SPREAD);
        Random random = inventory.random();
        List<String> live = new ArrayList<>();
        for (int step = 0; step < 80; step++) {
            if (!live.isEmpty() && random.nextInt(4) == 0) {
                assertThat(engine.release(live.remove(random.nextInt(live.size())))).isTrue();
                continue;
            }
            PlacementRequest request = inventory.randomRequest(random, "s", step);
            PlacementResult result = engine.place(request);
            if (result instanceof PlacementResult.Placed placed) {
                assertThat(placed.allocations()).hasSize(request.count());
                placed.allocations().forEach(a -> live.add(a.serverId()));
            } else {
                PlacementResult.NoValidHost none = (PlacementResult.NoValidHost) result;
                request.serverIds().forEach(id -> assertThat(engine.allocation(id)).isEmpty());
                if (request.count() == 1) {
                    assertThat(none.rejections().values().stream().mapToInt(Integer::intValue).sum())
                            .as(none.explanation()).isEqualTo(hostCount);
                }
            }
        }
        assertConsistent(inventory, engine);
    }

    @Property(tries = 40)
    void concurrentPlacementsReleasesAndInventoryChangesKeepEveryHardRule(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int hostCount,
            @ForAll @IntRange(min = 1, max = 3) int groupCount) throws InterruptedException {
        RandomInventory inventory = new RandomInventory(seed, hostCount, groupCount);
        PlacementEngine engine = inventory.newEngine(Weighing.SPREAD);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long threadSeed = seed * 31 + t;
            String prefix = "t" + t + "-";
            workers.add(new Thread(() -> {
                try {
                    start.await();
                    placeAndRelease(inventory, engine, new Random(threadSeed), prefix);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.add(new Thread(() -> {
            try {
                start.await();
                Random random = new Random(seed);
                List<HostSpec> hosts = new ArrayList<>(inventory.hosts.values());
                List<GroupSpec> groups = new ArrayList<>(inventory.groups.values());
                for (int i = 0; i < 200; i++) {
                    HostSpec host = hosts.get(random.nextInt(hosts.size()));
                    switch (random.nextInt(10)) {
                        case 0 -> engine.removeHost(host.id());
                        case 1 -> {
                            GroupSpec group = groups.get(random.nextInt(groups.size()));
                            engine.removeGroup(group.id());
                            engine.upsertGroup(group);
                        }
                        default -> engine.upsertHost(host.withUp(random.nextInt(3) > 0)
                                .withSchedulable(random.nextInt(4) > 0));
                    }
                }
                hosts.forEach(engine::upsertHost);
            } catch (Throwable e) {
                failures.add(e);
            }
        }));
        workers.forEach(Thread::start);
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
        assertConsistent(inventory, engine);
    }

    @Property(tries = 100)
    void softAntiAffinityWithRoomEverywhereKeepsDomainsWithinOne(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int hostCount,
            @ForAll @IntRange(min = 1, max = 40) int servers, @ForAll boolean pack) {
        Random random = new Random(seed);
        String[] racks = {"r1", "r2", "r3", ""};
        String[] zones = {"z1", "z2", ""};
        Scope scope = Scope.values()[random.nextInt(3)];
        PlacementEngine engine = new PlacementEngine(pack ? Weighing.PACK : Weighing.SPREAD);
        Map<String, HostSpec> hosts = new HashMap<>();
        for (int i = 0; i < hostCount; i++) {
            HostSpec host = Fixtures.host("h" + i, racks[random.nextInt(4)], zones[random.nextInt(3)],
                    64 + random.nextInt(64), 1_000_000 + random.nextInt(100_000), 10_000);
            hosts.put(host.id(), host);
            engine.upsertHost(host);
        }
        engine.upsertGroup(Fixtures.group("g", Policy.SOFT_ANTI_AFFINITY, scope));
        Map<String, Integer> perDomain = new HashMap<>();
        hosts.values().forEach(h -> perDomain.put(Fixtures.domainOf(h, scope), 0));
        int placed = 0;
        while (placed < servers) {
            int count = Math.min(servers - placed, 1 + random.nextInt(3));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add("s" + (placed + i));
            }
            PlacementResult result = engine.place(new PlacementRequest(ids, Fixtures.SMALL, "g"));
            for (Allocation a : Fixtures.placed(result)) {
                perDomain.merge(Fixtures.domainOf(hosts.get(a.hostId()), scope), 1, Integer::sum);
            }
            placed += count;
            int max = perDomain.values().stream().max(Integer::compare).orElseThrow();
            int min = perDomain.values().stream().min(Integer::compare).orElseThrow();
            assertThat(max - min).as("members per %s domain: %s", scope, perDomain).isLessThanOrEqualTo(1);
        }
    }

    private static void placeAndRelease(RandomInventory inventory, PlacementEngine engine, Random random, String prefix) {
        List<String> live = new ArrayList<>();
        for (int step = 0; step < 150; step++) {
            if (!live.isEmpty() && random.nextInt(3) == 0) {
                engine.release(live.remove(random.nextInt(live.size())));
                continue;
            }
            PlacementResult result;
            try {
                result = engine.place(inventory.randomRequest(random, prefix, step));
            } catch (IllegalArgumentException e) {
                // the group is being removed and added again by the other thread
                assertThat(e).hasMessageContaining("unknown group");
                continue;
            }
            if (result instanceof PlacementResult.Placed placed) {
                placed.allocations().forEach(a -> live.add(a.serverId()));
            }
        }
    }

    /** No violations, and the engine's own totals agree with its allocations. */
    private static void assertConsistent(RandomInventory inventory, PlacementEngine engine) {
        List<Allocation> allocations = inventory.allocations(engine);
        assertThat(IndependentChecker.violations(inventory.hosts, inventory.groups, allocations)).isEmpty();
        for (String hostId : inventory.hosts.keySet()) {
            Resources sum = Resources.ZERO;
            for (Allocation a : engine.allocationsOn(hostId)) {
                sum = sum.plus(a.resources());
            }
            assertThat(engine.allocated(hostId)).isEqualTo(sum);
        }
        for (String groupId : inventory.groups.keySet()) {
            assertThat(engine.members(groupId)).containsExactlyInAnyOrderElementsOf(
                    allocations.stream().filter(a -> groupId.equals(a.groupId())).toList());
            assertThat(engine.compliance(groupId).compliant()).isTrue();
        }
    }
}
