package io.herd.controller.placement;

import java.util.Objects;

/**
 * A server group's placement rule.
 *
 * @param maxPerDomain ANTI_AFFINITY: most members in one domain (≥ 1); ignored otherwise
 */
public record GroupSpec(String id, String name, Policy policy, Scope scope, int maxPerDomain) {

    public GroupSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        scope = scope == null ? Scope.HOST : scope;
        if (maxPerDomain < 1) {
            throw new IllegalArgumentException("maxPerDomain must be >= 1, was " + maxPerDomain);
        }
    }
}
