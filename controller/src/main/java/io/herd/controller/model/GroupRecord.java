package io.herd.controller.model;

import io.herd.controller.placement.GroupSpec;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;
import java.time.Instant;
import java.util.Objects;

/** A server group as stored. */
public record GroupRecord(String id, String name, Policy policy, Scope scope, int maxPerDomain, Instant createdAt,
                          HostFailurePolicy onHostFailure) {

    public GroupRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        onHostFailure = onHostFailure == null ? HostFailurePolicy.NONE : onHostFailure;
    }

    public boolean evacuates() {
        return onHostFailure == HostFailurePolicy.EVACUATE;
    }

    public GroupSpec toSpec() {
        return new GroupSpec(id, name, policy, scope, maxPerDomain);
    }
}
