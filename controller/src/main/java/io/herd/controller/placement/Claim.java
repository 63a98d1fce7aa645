package io.herd.controller.placement;

/** One server's hold on a host, as the engine keeps it. */
final class Claim {
    final String serverId;
    final int slot;
    final Resources resources;
    /** Claim order: older members keep their place when a policy is broken. */
    final long sequence;
    /** Null when the server has no group (or its group was removed). */
    GroupState group;

    Claim(String serverId, int slot, GroupState group, Resources resources, long sequence) {
        this.serverId = serverId;
        this.slot = slot;
        this.group = group;
        this.resources = resources;
        this.sequence = sequence;
    }

    Allocation toAllocation(HostSlots hosts) {
        return new Allocation(serverId, hosts.id(slot), group == null ? null : group.spec.id(), resources);
    }
}
