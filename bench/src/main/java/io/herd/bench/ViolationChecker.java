package io.herd.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts hard violations in a final assignment from the workload alone, with its own
 * arithmetic and none of the engine's code: a host over any of its limits (vcpus × cpu ratio,
 * memory × ram ratio, disk), an anti-affinity group with more than max_server_per_host members
 * in one domain (one violation per such domain), an affinity group whose members span more
 * than one domain (one violation per group), and a server the workload never asked for.
 */
public final class ViolationChecker {

    private ViolationChecker() {
    }

    /** One message per violation. */
    public static List<String> violations(Workload workload, Map<String, String> serverToHost) {
        Map<String, Workload.Host> hosts = new HashMap<>();
        workload.hosts().forEach(h -> hosts.put(h.name(), h));
        Map<String, Workload.Group> groups = new HashMap<>();
        workload.groups().forEach(g -> groups.put(g.name(), g));
        Map<String, Workload.Request> requests = new HashMap<>();
        workload.requests().forEach(r -> requests.put(r.name(), r));

        List<String> found = new ArrayList<>();
        Map<String, long[]> used = new HashMap<>();
        Map<String, Map<String, Set<String>>> membersByGroupDomain = new HashMap<>();
        serverToHost.forEach((server, hostName) -> {
            Workload.Request request = requests.get(server);
            Workload.Host host = hosts.get(hostName);
            if (request == null || host == null) {
                found.add("server " + server + " on host " + hostName + " is not in the workload");
                return;
            }
            long[] u = used.computeIfAbsent(hostName, k -> new long[3]);
            u[0] += request.vcpus();
            u[1] += request.memoryMib();
            u[2] += request.diskGib();
            if (request.group() != null) {
                Workload.Group group = groups.get(request.group());
                if (group == null) {
                    found.add("server " + server + " is in group " + request.group() + ", which the workload lacks");
                    return;
                }
                membersByGroupDomain.computeIfAbsent(request.group(), k -> new HashMap<>())
                        .computeIfAbsent(domain(host, group.scopeOrDefault()), k -> new HashSet<>()).add(server);
            }
        });
        used.forEach((hostName, u) -> {
            Workload.Host h = hosts.get(hostName);
            if (u[0] > h.vcpus() * workload.cpuAllocationRatio() || u[1] > h.memoryMib() * workload.ramAllocationRatio()
                    || u[2] > h.diskGib()) {
                found.add("host " + hostName + " over capacity: " + u[0] + " vcpus, " + u[1] + " MiB, " + u[2] + " GiB");
            }
        });
        membersByGroupDomain.forEach((groupName, byDomain) -> {
            Workload.Group group = groups.get(groupName);
            if ("anti-affinity".equals(group.policy())) {
                byDomain.forEach((domain, members) -> {
                    if (members.size() > group.maxPerDomain()) {
                        found.add("anti-affinity group " + groupName + " has " + members.size() + " members in "
                                + domain);
                    }
                });
            } else if ("affinity".equals(group.policy()) && byDomain.size() > 1) {
                found.add("affinity group " + groupName + " spans " + byDomain.keySet());
            }
        });
        return found;
    }

    private static String domain(Workload.Host host, String scope) {
        String label = switch (scope) {
            case "rack" -> host.rack();
            case "zone" -> host.zone();
            default -> null;
        };
        return label == null || label.isBlank() ? "host " + host.name() : scope + " " + label;
    }
}
