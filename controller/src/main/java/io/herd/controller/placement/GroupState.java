package io.herd.controller.placement;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A group's rule, its members in claim order, and how many members each failure domain
 * (in the group's scope) holds. The counts are kept on every claim and release, so the
 * anti-affinity filter is a lookup and a comparison, never a scan of members.
 */
final class GroupState {
    GroupSpec spec;
    final Set<Claim> members = new LinkedHashSet<>();
    private final IntCounts countByDomain = new IntCounts();

    GroupState(GroupSpec spec) {
        this.spec = spec;
    }

    int count(int domain) {
        return countByDomain.get(domain);
    }

    IntCounts counts() {
        return countByDomain;
    }

    void add(Claim claim, FailureDomains domains) {
        members.add(claim);
        countByDomain.add(domains.of(claim.slot, spec.scope()), 1);
    }

    void remove(Claim claim, FailureDomains domains) {
        members.remove(claim);
        countByDomain.add(domains.of(claim.slot, spec.scope()), -1);
    }

    /** Counts again from the members, after the scope or a host's labels changed. */
    void recount(FailureDomains domains) {
        countByDomain.clear();
        for (Claim member : members) {
            countByDomain.add(domains.of(member.slot, spec.scope()), 1);
        }
    }

    /**
     * The domain holding the most members, ties going to the domain of the oldest member;
     * -1 when there are none. Affinity keeps new members there, and compliance treats
     * members elsewhere as the ones that break the rule.
     */
    int majorityDomain(FailureDomains domains) {
        if (countByDomain.size() <= 1) {
            return members.isEmpty() ? -1 : domains.of(members.iterator().next().slot, spec.scope());
        }
        int[] best = {-1, 0, 0}; // domain, count, tie
        countByDomain.forEach((domain, count) -> {
            if (count > best[1]) {
                best[0] = domain;
                best[1] = count;
                best[2] = 0;
            } else if (count == best[1]) {
                best[2] = 1;
            }
        });
        if (best[2] == 0) {
            return best[0];
        }
        int bestCount = best[1];
        for (Claim member : members) {
            int domain = domains.of(member.slot, spec.scope());
            if (count(domain) == bestCount) {
                return domain;
            }
        }
        return best[0];
    }
}
