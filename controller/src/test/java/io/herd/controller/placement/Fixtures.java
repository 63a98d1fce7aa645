package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Small builders shared by the placement tests. */
final class Fixtures {
    static final Resources SMALL = new Resources(1, 1024, 10);

    private Fixtures() {
    }

    /** An up, schedulable host with allocation ratios of 1 and nothing reserved. */
    static HostSpec host(String name, String rack, String zone, int vcpus, long memoryMib, long diskGib) {
        return HostSpec.of(name, rack, zone, vcpus, memoryMib, diskGib, 1.0, 1.0);
    }

    static HostSpec host(String name, String rack, String zone) {
        return host(name, rack, zone, 16, 16384, 160);
    }

    static GroupSpec group(String id, Policy policy, Scope scope, int maxPerDomain) {
        return new GroupSpec(id, id, policy, scope, maxPerDomain);
    }

    static GroupSpec group(String id, Policy policy, Scope scope) {
        return group(id, policy, scope, 1);
    }

    static PlacementRequest request(String groupId, Resources flavor, String... serverIds) {
        return new PlacementRequest(Arrays.asList(serverIds), flavor, groupId);
    }

    static PlacementRequest request(String groupId, String... serverIds) {
        return request(groupId, SMALL, serverIds);
    }

    static PlacementRequest avoiding(Set<String> hostIds, String groupId, String... serverIds) {
        return new PlacementRequest(Arrays.asList(serverIds), SMALL, groupId, hostIds);
    }

    /**
     * 2 zones × 2 racks × 2 hosts: hosts z1r1a, z1r1b, z1r2a, … with racks named z1r1 etc.
     */
    static List<HostSpec> twoByTwoByTwo() {
        List<HostSpec> hosts = new ArrayList<>();
        for (int z = 1; z <= 2; z++) {
            for (int r = 1; r <= 2; r++) {
                for (char h = 'a'; h <= 'b'; h++) {
                    hosts.add(host("z" + z + "r" + r + h, "z" + z + "r" + r, "z" + z));
                }
            }
        }
        return hosts;
    }

    static PlacementEngine engineWith(Weighing weighing, List<HostSpec> hosts) {
        PlacementEngine engine = new PlacementEngine(weighing);
        hosts.forEach(engine::upsertHost);
        return engine;
    }

    static List<Allocation> placed(PlacementResult result) {
        if (result instanceof PlacementResult.Placed placed) {
            return placed.allocations();
        }
        throw new AssertionError("expected a placement, got " + result);
    }

    static String hostOf(PlacementResult result) {
        List<Allocation> allocations = placed(result);
        if (allocations.size() != 1) {
            throw new AssertionError("expected one allocation, got " + allocations);
        }
        return allocations.get(0).hostId();
    }

    static PlacementResult.NoValidHost noValidHost(PlacementResult result) {
        if (result instanceof PlacementResult.NoValidHost none) {
            return none;
        }
        throw new AssertionError("expected no valid host, got " + result);
    }

    /** The host's domain label at a scope, the way the tests name them. */
    static String domainOf(HostSpec host, Scope scope) {
        return switch (scope) {
            case HOST -> host.id();
            case RACK -> host.rack().isBlank() ? "host:" + host.id() : host.rack();
            case ZONE -> host.zone().isBlank() ? "host:" + host.id() : host.zone();
        };
    }
}
