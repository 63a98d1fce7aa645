package io.herd.controller.placement;

/**
 * One request's filters over the current state: a host passes when it is up, not degraded,
 * schedulable, not avoided, accepts the server's size and offers its image, is allowed by the
 * group's hard policy and has room for one more server of the flavor. Filters run in that order; the first that fails names the {@link Rejection}.
 */
final class Decision {
    final HostSlots hosts;
    final FailureDomains domains;
    /** The request's group, or null. */
    final GroupState group;
    final Resources flavor;
    /** Base image the servers boot from; empty: diskless. */
    final String image;
    private final int[] avoidedSlots;
    /** The one slot allowed, or -1 when any is. */
    private final int onlySlot;
    private final Policy policy;
    final Scope scope;
    private final int maxPerDomain;
    /** Hard affinity: the only domain allowed, or -1 when any is. */
    int affinityDomain = -1;

    Decision(HostSlots hosts, FailureDomains domains, GroupState group, Resources flavor, String image,
             int[] avoidedSlots, int onlySlot) {
        this.hosts = hosts;
        this.domains = domains;
        this.group = group;
        this.flavor = flavor;
        this.image = image;
        this.avoidedSlots = avoidedSlots;
        this.onlySlot = onlySlot;
        this.policy = group == null ? null : group.spec.policy();
        this.scope = group == null ? Scope.HOST : group.spec.scope();
        this.maxPerDomain = group == null ? 0 : group.spec.maxPerDomain();
    }

    Policy policy() {
        return policy;
    }

    /** The one slot allowed, or -1 when any is. */
    int onlySlot() {
        return onlySlot;
    }

    /** The slots the request avoids, distinct. */
    int[] avoidedSlots() {
        return avoidedSlots;
    }

    boolean avoids(int slot) {
        for (int avoided : avoidedSlots) {
            if (avoided == slot) {
                return true;
            }
        }
        return false;
    }

    boolean passes(int slot) {
        return rejection(slot) == null;
    }

    /** The first filter that turns the host away, or null when it passes them all. */
    Rejection rejection(int slot) {
        if (!hosts.up[slot]) {
            return Rejection.HOST_DOWN;
        }
        if (hosts.degraded[slot]) {
            return Rejection.HOST_DEGRADED;
        }
        if (!hosts.schedulable[slot]) {
            return Rejection.HOST_UNSCHEDULABLE;
        }
        if (avoids(slot)) {
            return Rejection.HOST_AVOIDED;
        }
        if (onlySlot >= 0 && slot != onlySlot) {
            return Rejection.NOT_REQUESTED_HOST;
        }
        if (!hosts.admits(slot, flavor)) {
            return Rejection.SERVER_TOO_LARGE;
        }
        if (!hosts.offers(slot, image)) {
            return Rejection.IMAGE_MISSING;
        }
        if (policy == Policy.ANTI_AFFINITY && group.count(domains.of(slot, scope)) >= maxPerDomain) {
            return Rejection.ANTI_AFFINITY;
        }
        if (affinityDomain >= 0 && domains.of(slot, scope) != affinityDomain) {
            return Rejection.AFFINITY;
        }
        if (hosts.freeVcpus(slot) < flavor.vcpus()) {
            return Rejection.INSUFFICIENT_VCPUS;
        }
        if (hosts.freeMemoryMib(slot) < flavor.memoryMib()) {
            return Rejection.INSUFFICIENT_MEMORY;
        }
        if (hosts.freeDiskGib(slot) < flavor.diskGib()) {
            return Rejection.INSUFFICIENT_DISK;
        }
        return null;
    }

    /** How many servers of the flavor the host's free capacity holds, filters aside. */
    long room(int slot) {
        long room = Long.MAX_VALUE;
        room = Math.min(room, roomFor(hosts.freeVcpus(slot), flavor.vcpus()));
        room = Math.min(room, roomFor(hosts.freeMemoryMib(slot), flavor.memoryMib()));
        return Math.min(room, roomFor(hosts.freeDiskGib(slot), flavor.diskGib()));
    }

    private static long roomFor(long free, long need) {
        if (need == 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, free / need);
    }
}
