package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the answer for a request that cannot be placed: every host counted once, by the
 * first filter that turns it away for one server of the flavor, and a sentence a user can
 * act on. Runs only on the failure path; {@link RejectionTally} does the counting, without
 * looking at every host when the request is pinned to one host or one affinity domain.
 */
final class NoValidHostExplainer {
    /** The order {@link Decision#rejection} applies filters in; it breaks ties between counts. */
    private static final List<Rejection> FILTER_ORDER = List.of(Rejection.HOST_DOWN, Rejection.HOST_DEGRADED,
            Rejection.HOST_UNSCHEDULABLE, Rejection.HOST_AVOIDED, Rejection.NOT_REQUESTED_HOST,
            Rejection.SERVER_TOO_LARGE, Rejection.IMAGE_MISSING, Rejection.ANTI_AFFINITY, Rejection.AFFINITY, Rejection.INSUFFICIENT_VCPUS,
            Rejection.INSUFFICIENT_MEMORY, Rejection.INSUFFICIENT_DISK);

    private NoValidHostExplainer() {
    }

    /**
     * @param decision  filters over the committed state (the failed request rolled back)
     * @param count     servers requested
     * @param placeable how many of them the passing hosts could take before the decision failed
     * @param newAffinityGang true when an affinity gang found no domain with room for all
     */
    static PlacementResult.NoValidHost explain(Decision decision, int count, long placeable, boolean newAffinityGang) {
        HostSlots hosts = decision.hosts;
        RejectionTally tally = RejectionTally.of(decision);
        Map<Rejection, Integer> rejections = new EnumMap<>(Rejection.class);
        for (Rejection rejection : Rejection.values()) {
            if (tally.count(rejection) > 0) {
                rejections.put(rejection, tally.count(rejection));
            }
        }
        int passing = tally.passing;
        long bestVcpus = tally.bestVcpus;
        long bestMemory = tally.bestMemoryMib;
        long bestDisk = tally.bestDiskGib;
        StringBuilder sentence = new StringBuilder("no valid host for ").append(count)
                .append(count == 1 ? " server" : " servers");
        GroupState group = decision.group;
        if (group != null) {
            sentence.append(" of group ").append(group.spec.name()).append(" (").append(describe(group.spec)).append(')');
        }
        List<Map.Entry<Rejection, Integer>> byCount = new ArrayList<>(rejections.entrySet());
        byCount.sort(Comparator.comparing((Map.Entry<Rejection, Integer> e) -> -e.getValue())
                .thenComparing(e -> FILTER_ORDER.indexOf(e.getKey())));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Rejection, Integer> entry : byCount) {
            int n = entry.getValue();
            String subject = parts.isEmpty() ? n + (n == 1 ? " host " : " hosts ") : n + " ";
            parts.add(subject + predicate(decision, entry.getKey(), n, bestVcpus, bestMemory, bestDisk));
        }
        if (hosts.size() == 0) {
            parts.add("there are no hosts");
        }
        if (passing > 0) {
            if (newAffinityGang) {
                String scope = decision.scope.displayName();
                parts.add("no " + scope + " has room for all " + count + " servers (the roomiest " + scope
                        + " has room for " + placeable + ")");
            } else {
                parts.add("the " + passing + (passing == 1 ? " host that passes every filter has" : " hosts that pass every filter have")
                        + " room for only " + placeable + " of the " + count + " servers");
            }
        }
        sentence.append(": ").append(String.join(", ", parts));
        return new PlacementResult.NoValidHost(rejections, sentence.toString());
    }

    static String describe(GroupSpec spec) {
        String scope = spec.scope().displayName();
        String text = spec.policy().displayName() + ", scope " + scope;
        if (spec.policy() == Policy.ANTI_AFFINITY) {
            text += ", max " + spec.maxPerDomain() + " per " + scope;
        }
        return text;
    }

    private static String predicate(Decision decision, Rejection rejection, int n, long bestVcpus, long bestMemory,
                                    long bestDisk) {
        boolean one = n == 1;
        String is = one ? "is" : "are";
        String lack = one ? "lacks" : "lack";
        Resources flavor = decision.flavor;
        return switch (rejection) {
            case HOST_DOWN -> is + " down";
            case HOST_UNSCHEDULABLE -> is + " not schedulable";
            case HOST_DEGRADED -> is + " degraded (the agent cannot reach libvirt)";
            case HOST_AVOIDED -> is + " excluded (the server's own host, a host still holding a copy of it, or where "
                    + "its launch failed)";
            case NOT_REQUESTED_HOST -> is + " not the requested host";
            case SERVER_TOO_LARGE -> (one ? "accepts" : "accept") + " smaller servers only (its agent's "
                    + "max_server_vcpus, max_server_memory_mib, max_server_disk_gib)";
            case IMAGE_MISSING -> (one ? "does" : "do") + " not offer image " + decision.image;
            case INSUFFICIENT_VCPUS -> lack + " vCPUs (need " + flavor.vcpus() + ", best has "
                    + Math.max(0, bestVcpus) + ")";
            case INSUFFICIENT_MEMORY -> lack + " memory (need " + flavor.memoryMib() + " MiB, best has "
                    + Math.max(0, bestMemory) + " MiB)";
            case INSUFFICIENT_DISK -> lack + " disk (need " + flavor.diskGib() + " GiB, best has "
                    + Math.max(0, bestDisk) + " GiB)";
            case ANTI_AFFINITY -> antiAffinity(decision.group.spec, one);
            case AFFINITY -> (one ? "is" : "are") + " outside " + decision.scope.displayName() + " "
                    + decision.domains.label(decision.scope, decision.affinityDomain, decision.hosts)
                    + ", which holds the group's members";
        };
    }

    private static String antiAffinity(GroupSpec spec, boolean one) {
        int max = spec.maxPerDomain();
        String members = max == 1 ? "a member" : max + " members";
        if (spec.scope() == Scope.HOST) {
            return (one ? "already holds " : "already hold ") + members;
        }
        return (one ? "is in a " : "are in a ") + spec.scope().displayName() + " that already holds " + members;
    }
}
