package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.common.LaunchLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The tally of a refusal, shortcut or not, is the one a look at every host gives: on random
 * inventories with down, degraded, unschedulable, size-limited and image-limited hosts, removed
 * hosts whose slots are reused, random usage and group members, avoided hosts, a requested host
 * and hard-affinity domains at every scope.
 */
class RejectionTallyTest {
    private static final String[] RACKS = {"r1", "r2", "r3", ""};
    private static final String[] ZONES = {"z1", "z2", ""};

    @Property(tries = 500)
    void agreesWithALookAtEveryHost(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int hostCount) {
        Random random = new Random(seed);
        HostSlots hosts = new HostSlots();
        FailureDomains domains = new FailureDomains();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < hostCount; i++) {
            live.add(addHost(hosts, domains, randomHost(random, "h" + i)));
        }
        // remove some hosts and add others, so that freed slots are reused
        for (int i = 0; i < hostCount / 3; i++) {
            int slot = live.remove(random.nextInt(live.size()));
            domains.unassign(slot);
            hosts.free(slot);
            live.add(addHost(hosts, domains, randomHost(random, "n" + i)));
        }
        for (int slot : live) {
            hosts.use(slot, new Resources(random.nextInt(8), 512L * random.nextInt(16), random.nextInt(60)), 1);
        }
        Policy policy = Policy.values()[random.nextInt(Policy.values().length)];
        Scope scope = Scope.values()[random.nextInt(Scope.values().length)];
        GroupState group = new GroupState(new GroupSpec("g", "g", policy, scope, 1 + random.nextInt(2)));
        int members = random.nextInt(4);
        for (int i = 0; i < members; i++) {
            Claim claim = new Claim("m" + i, live.get(random.nextInt(live.size())), group, Fixtures.SMALL, i);
            group.add(claim, domains);
        }
        for (int trial = 0; trial < 20; trial++) {
            Decision decision = randomDecision(random, hosts, domains, random.nextInt(5) == 0 ? null : group, live);
            if (decision.group != null && policy == Policy.AFFINITY) {
                decision.affinityDomain = random.nextBoolean() ? group.majorityDomain(domains)
                        : domains.of(live.get(random.nextInt(live.size())), scope);
            }

            RejectionTally shortcut = RejectionTally.of(decision);
            RejectionTally everyHost = RejectionTally.everyHost(decision);

            assertThat(shortcut.counts).containsExactly(everyHost.counts);
            assertThat(shortcut.passing).isEqualTo(everyHost.passing);
            assertThat(shortcut.bestVcpus).isEqualTo(everyHost.bestVcpus);
            assertThat(shortcut.bestMemoryMib).isEqualTo(everyHost.bestMemoryMib);
            assertThat(shortcut.bestDiskGib).isEqualTo(everyHost.bestDiskGib);
        }
    }

    @Property(tries = 100)
    void unusualHostsAreExactlyTheLiveOnesThatAreNotPlain(@ForAll long seed) {
        Random random = new Random(seed);
        HostSlots hosts = new HostSlots();
        FailureDomains domains = new FailureDomains();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (!live.isEmpty() && random.nextInt(4) == 0) {
                int slot = live.remove(random.nextInt(live.size()));
                domains.unassign(slot);
                hosts.free(slot);
            } else if (!live.isEmpty() && random.nextInt(3) == 0) {
                // a heartbeat changing the host's state in place
                int slot = live.get(random.nextInt(live.size()));
                HostSpec before = hosts.specs[slot];
                HostSpec after = randomHost(random, before.id());
                hosts.describe(slot, new HostSpec(before.id(), before.name(), before.rack(), before.zone(),
                        after.physical(), after.reserved(), 1, 1, null, after.up(), after.schedulable(),
                        after.degraded(), after.limits(), after.images()));
            } else {
                live.add(addHost(hosts, domains, randomHost(random, "h" + i)));
            }
        }
        Set<Integer> expected = new HashSet<>();
        for (int slot : live) {
            HostSpec spec = hosts.specs[slot];
            if (!spec.eligible() || !spec.limits().equals(LaunchLimits.API) || spec.images() != null) {
                expected.add(slot);
            }
        }
        Set<Integer> unusual = new HashSet<>();
        for (int i = 0; i < hosts.unusual().size(); i++) {
            unusual.add(hosts.unusual().get(i));
        }
        assertThat(unusual).isEqualTo(expected);
        for (int slot = 0; slot < hosts.highWater(); slot++) {
            assertThat(hosts.plain(slot)).isEqualTo(live.contains(slot) && !expected.contains(slot));
        }
    }

    private static int addHost(HostSlots hosts, FailureDomains domains, HostSpec spec) {
        int slot = hosts.allocate(spec.id());
        hosts.describe(slot, spec);
        domains.assign(slot, spec);
        return slot;
    }

    private static HostSpec randomHost(Random random, String id) {
        HostSpec host = new HostSpec(id, id, RACKS[random.nextInt(RACKS.length)], ZONES[random.nextInt(ZONES.length)],
                new Resources(1 + random.nextInt(8), 1024L * (1 + random.nextInt(16)), 10L * (1 + random.nextInt(20))),
                Resources.ZERO, 1 + random.nextInt(3), 1.0, Resources.ZERO, random.nextInt(6) > 0,
                random.nextInt(6) > 0);
        host = host.withDegraded(random.nextInt(8) == 0);
        LaunchLimits limits = random.nextInt(5) == 0 ? new LaunchLimits(1 + random.nextInt(4), 1024L * (1
                + random.nextInt(8)), 5L * (1 + random.nextInt(8))) : LaunchLimits.API;
        Set<String> images = random.nextInt(5) == 0 ? Set.of(random.nextBoolean() ? "cirros" : "debian") : null;
        return host.withLimits(limits, images);
    }

    private static Decision randomDecision(Random random, HostSlots hosts, FailureDomains domains, GroupState group,
                                           List<Integer> live) {
        Resources flavor = random.nextInt(10) == 0 ? new Resources(LaunchLimits.API.maxVcpus() + 1, 1024, 10)
                : new Resources(1 + random.nextInt(6), 512L * (1 + random.nextInt(12)), 5L * (1 + random.nextInt(10)));
        String image = random.nextBoolean() ? "" : "cirros";
        Set<Integer> avoided = new HashSet<>();
        int avoidCount = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
        for (int i = 0; i < avoidCount; i++) {
            avoided.add(live.get(random.nextInt(live.size())));
        }
        int only = random.nextInt(4) == 0 ? live.get(random.nextInt(live.size())) : -1;
        return new Decision(hosts, domains, group, flavor, image, avoided.stream().mapToInt(Integer::intValue)
                .toArray(), only);
    }
}
