package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a group's hard policy holds over its members now. Members are judged in claim
 * order, so the newest members are the ones named as breaking the rule: beyond
 * max_per_domain in a domain for anti-affinity, outside the domain holding the most
 * members for affinity. Soft policies always comply. A server moving to another host counts
 * in both places (its hold and its claim) until its old domain is gone.
 */
final class ComplianceCheck {

    private ComplianceCheck() {
    }

    static GroupCompliance of(GroupState group, FailureDomains domains, HostSlots hosts) {
        GroupSpec spec = group.spec;
        Scope scope = spec.scope();
        if (spec.policy() == Policy.ANTI_AFFINITY) {
            Map<Integer, Integer> seen = new HashMap<>();
            List<String> violating = new ArrayList<>();
            List<String> crowded = new ArrayList<>();
            for (Claim member : group.members) {
                int domain = domains.of(member.slot, scope);
                int nth = seen.merge(domain, 1, Integer::sum);
                if (nth > spec.maxPerDomain()) {
                    violating.add(member.serverId);
                    if (nth == spec.maxPerDomain() + 1) {
                        crowded.add(scope.displayName() + " " + domains.label(scope, domain, hosts) + " holds "
                                + group.count(domain));
                    }
                }
            }
            if (violating.isEmpty()) {
                return GroupCompliance.ok();
            }
            return new GroupCompliance(false, violating.stream().distinct().toList(), "anti-affinity allows " + spec.maxPerDomain()
                    + " member(s) per " + scope.displayName() + ", but " + String.join(", ", crowded));
        }
        if (spec.policy() == Policy.AFFINITY) {
            int home = group.majorityDomain(domains);
            List<String> violating = new ArrayList<>();
            for (Claim member : group.members) {
                if (domains.of(member.slot, scope) != home) {
                    violating.add(member.serverId);
                }
            }
            if (violating.isEmpty()) {
                return GroupCompliance.ok();
            }
            return new GroupCompliance(false, violating.stream().distinct().toList(), "affinity keeps members in one " + scope.displayName()
                    + ", but " + violating.size() + " of " + group.members.size() + " are outside "
                    + scope.displayName() + " " + domains.label(scope, home, hosts));
        }
        return GroupCompliance.ok();
    }
}
