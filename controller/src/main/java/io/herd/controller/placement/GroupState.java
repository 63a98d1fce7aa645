package io.herd.controller.placement;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A group's rule, its members in claim order, and how many members each failure domain
 * (in the group's scope) holds. The counts are kept on every claim and release, so the
 * anti-affinity filter is a lookup and a comparison, never a scan of members.
 */
final class GroupState {
    GroupSpec spec;
    final Set<Claim> members = new LinkedHashSet<>();
    private final Map<Integer, Integer> countByDomain = new HashMap<>();

    GroupState(GroupSpec spec) {
        this.spec = spec;
    }

    int count(int domain) {
        Integer count = countByDomain.get(domain);
        return count == null ? 0 : count;
    }

    Map<Integer, Integer> counts() {
        return countByDomain;
    }

    void add(Claim claim, FailureDomains domains) {
        members.add(claim);
        countByDomain.merge(domains.of(claim.slot, spec.scope()), 1, Integer::sum);
    }

    void remove(Claim claim, FailureDomains domains) {
        members.remove(claim);
        countByDomain.computeIfPresent(domains.of(claim.slot, spec.scope()), (domain, count) -> count == 1 ? null : count - 1);
    }

    /** Counts again from the members, after the scope or a host's labels changed. */
    void recount(FailureDomains domains) {
        countByDomain.clear();
        for (Claim member : members) {
            countByDomain.merge(domains.of(member.slot, spec.scope()), 1, Integer::sum);
        }
    }

    /**
     * The domain holding the most members, ties going to the domain of the oldest member;
     * -1 when there are none. Affinity keeps new members there, and compliance treats
     * members elsewhere as the ones that break the rule.
     */
    int majorityDomain(FailureDomains domains) {
        int best = -1;
        int bestCount = 0;
        boolean tie = false;
        for (Map.Entry<Integer, Integer> entry : countByDomain.entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
                tie = false;
            } else if (entry.getValue() == bestCount) {
                tie = true;
            }
        }
        if (!tie) {
            return best;
        }
        for (Claim member : members) {
            int domain = domains.of(member.slot, spec.scope());
            if (count(domain) == bestCount) {
                return domain;
            }
        }
        return best;
    }
}
