package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A random inventory and random operations on it, from one seed, for the property tests. */
final class RandomInventory {
    private static final String[] RACKS = {"r1", "r2", "r3", ""};
    private static final String[] ZONES = {"z1", "z2", ""};
    private static final Resources[] FLAVORS = {
        new Resources(1, 1024, 10), new Resources(2, 4096, 20), new Resources(4, 8192, 40), new Resources(8, 2048, 5)};

    final Map<String, HostSpec> hosts = new LinkedHashMap<>();
    final Map<String, GroupSpec> groups = new LinkedHashMap<>();
    private final Random random;

    RandomInventory(long seed, int hostCount, int groupCount) {
        random = new Random(seed);
        for (int i = 0; i < hostCount; i++) {
            HostSpec host = new HostSpec("h" + i, "h" + i, RACKS[random.nextInt(RACKS.length)],
                    ZONES[random.nextInt(ZONES.length)],
                    new Resources(1 + random.nextInt(8), 1024L * (1 + random.nextInt(16)), 10L * (1 + random.nextInt(20))),
                    new Resources(random.nextInt(2), 512L * random.nextInt(2), random.nextInt(5)),
                    1 + random.nextInt(4), random.nextBoolean() ? 1.0 : 1.5,
                    new Resources(0, 256L * random.nextInt(3), 0), random.nextInt(10) > 0, random.nextInt(10) > 0);
            hosts.put(host.id(), host);
        }
        Policy[] policies = Policy.values();
        Scope[] scopes = Scope.values();
        for (int i = 0; i < groupCount; i++) {
            GroupSpec group = new GroupSpec("g" + i, "g" + i, policies[random.nextInt(policies.length)],
                    scopes[random.nextInt(scopes.length)], 1 + random.nextInt(3));
            groups.put(group.id(), group);
        }
    }

    Random random() {
        return random;
    }

    PlacementEngine newEngine(Weighing weighing) {
        PlacementEngine engine = new PlacementEngine(weighing);
        hosts.values().forEach(engine::upsertHost);
        groups.values().forEach(engine::upsertGroup);
        return engine;
    }

    /** A request for 1–3 servers of a random flavor, in a random group or none. */
    PlacementRequest randomRequest(Random random, String prefix, int serial) {
        int count = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + serial + "-" + i);
        }
        String group = random.nextInt(8) == 0 ? null : "g" + random.nextInt(groups.size());
        return new PlacementRequest(ids, FLAVORS[random.nextInt(FLAVORS.length)], group);
    }

    /** Every allocation the engine holds, read host by host. */
    List<Allocation> allocations(PlacementEngine engine) {
        List<Allocation> all = new ArrayList<>();
        for (String hostId : hosts.keySet()) {
            all.addAll(engine.allocationsOn(hostId));
        }
        return all;
    }
}
