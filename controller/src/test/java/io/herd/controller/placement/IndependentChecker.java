package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recounts hard-policy and capacity violations from the final allocations alone, with its
 * own arithmetic: it shares no code with the engine beyond the input records.
 */
final class IndependentChecker {

    private IndependentChecker() {
    }

    /** One message per violation; empty when every hard policy and every host's capacity holds. */
    static List<String> violations(Map<String, HostSpec> hosts, Map<String, GroupSpec> groups,
                                   List<Allocation> allocations) {
        List<String> found = new ArrayList<>();
        Map<String, long[]> used = new HashMap<>();
        for (Allocation a : allocations) {
            long[] u = used.computeIfAbsent(a.hostId(), h -> new long[3]);
            u[0] += a.resources().vcpus();
            u[1] += a.resources().memoryMib();
            u[2] += a.resources().diskGib();
        }
        for (Map.Entry<String, long[]> entry : used.entrySet()) {
            HostSpec h = hosts.get(entry.getKey());
            long[] u = entry.getValue();
            double vcpuLimit = h.physical().vcpus() * h.cpuAllocationRatio() - h.reserved().vcpus()
                    - h.foreignUsage().vcpus();
            double memoryLimit = (h.physical().memoryMib() - h.reserved().memoryMib()) * h.ramAllocationRatio()
                    - h.foreignUsage().memoryMib();
            double diskLimit = h.physical().diskGib() - h.reserved().diskGib() - h.foreignUsage().diskGib();
            if (u[0] > vcpuLimit || u[1] > memoryLimit || u[2] > diskLimit) {
                found.add("host " + h.id() + " over capacity: " + u[0] + "/" + vcpuLimit + " vcpus, " + u[1] + "/"
                        + memoryLimit + " MiB, " + u[2] + "/" + diskLimit + " GiB");
            }
        }
        Map<String, Map<String, Integer>> perDomain = new HashMap<>();
        for (Allocation a : allocations) {
            if (a.groupId() == null) {
                continue;
            }
            GroupSpec g = groups.get(a.groupId());
            String domain = Fixtures.domainOf(hosts.get(a.hostId()), g.scope());
            perDomain.computeIfAbsent(g.id(), k -> new HashMap<>()).merge(domain, 1, Integer::sum);
        }
        for (Map.Entry<String, Map<String, Integer>> entry : perDomain.entrySet()) {
            GroupSpec g = groups.get(entry.getKey());
            if (g.policy() == Policy.ANTI_AFFINITY) {
                entry.getValue().forEach((domain, n) -> {
                    if (n > g.maxPerDomain()) {
                        found.add("group " + g.id() + " has " + n + " members in " + domain);
                    }
                });
            }
            if (g.policy() == Policy.AFFINITY && entry.getValue().size() > 1) {
                found.add("group " + g.id() + " spans " + entry.getValue().keySet());
            }
        }
        Set<String> servers = new HashSet<>();
        for (Allocation a : allocations) {
            if (!servers.add(a.serverId())) {
                found.add("server " + a.serverId() + " allocated twice");
            }
        }
        return found;
    }
}
