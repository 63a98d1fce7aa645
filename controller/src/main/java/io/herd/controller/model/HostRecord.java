package io.herd.controller.model;

import io.herd.controller.placement.HostSpec;
import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A hypervisor as the controller knows it. The store keeps identity, labels, address,
 * capacity and the operator's schedulable flag; {@code up}, usage, degradation and unknown
 * domains are runtime facts that come back with the next heartbeat.
 *
 * @param lastHeartbeat    when the last heartbeat arrived (EPOCH: never)
 * @param unknownServerIds herd domains on the host that the controller does not know
 */
public record HostRecord(
        String id,
        String name,
        String rack,
        String zone,
        String agentAddress,
        HostCapacity capacity,
        Resources usage,
        Resources foreignUsage,
        String acceleration,
        String agentVersion,
        boolean schedulable,
        String unschedulableReason,
        boolean up,
        boolean degraded,
        String degradedReason,
        Instant lastHeartbeat,
        List<String> unknownServerIds) {

    public HostRecord {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        rack = rack == null ? "" : rack;
        zone = zone == null ? "" : zone;
        agentAddress = agentAddress == null ? "" : agentAddress;
        capacity = capacity == null ? HostCapacity.NONE : capacity;
        usage = usage == null ? Resources.ZERO : usage;
        foreignUsage = foreignUsage == null ? Resources.ZERO : foreignUsage;
        acceleration = acceleration == null ? "" : acceleration;
        agentVersion = agentVersion == null ? "" : agentVersion;
        unschedulableReason = unschedulableReason == null ? "" : unschedulableReason;
        degradedReason = degradedReason == null ? "" : degradedReason;
        lastHeartbeat = lastHeartbeat == null ? Instant.EPOCH : lastHeartbeat;
        unknownServerIds = List.copyOf(unknownServerIds == null ? List.of() : unknownServerIds);
    }

    /**
     * The host as placement sees it. Disk is the free instance disk plus what herd servers
     * on the host already hold, because the free space already has their share taken out.
     */
    public HostSpec toSpec(long heldDiskGib) {
        HostCapacity c = capacity;
        Resources physical = new Resources(c.cpus(), c.memoryMib(), c.diskFreeGib() + heldDiskGib);
        Resources reserved = new Resources(c.reservedCpus(), c.reservedMemoryMib(), c.reservedDiskGib());
        return new HostSpec(id, name, rack, zone, physical, reserved, c.cpuAllocationRatio(), c.ramAllocationRatio(),
                foreignUsage, up, schedulable);
    }

    public HostRecord withUp(boolean newUp) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, newUp, degraded, degradedReason, lastHeartbeat,
                unknownServerIds);
    }

    public HostRecord withSchedulable(boolean newSchedulable, String reason) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, newSchedulable, reason, up, degraded, degradedReason, lastHeartbeat, unknownServerIds);
    }

    public HostRecord withUnknownServerIds(List<String> ids) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, up, degraded, degradedReason, lastHeartbeat, ids);
    }

    /** Whether the fields the store keeps differ (a heartbeat that changes none of them is not written). */
    public boolean storedFieldsDiffer(HostRecord other) {
        return other == null
                || !name.equals(other.name) || !rack.equals(other.rack) || !zone.equals(other.zone)
                || !agentAddress.equals(other.agentAddress) || !capacity.equals(other.capacity)
                || !foreignUsage.equals(other.foreignUsage) || !acceleration.equals(other.acceleration)
                || !agentVersion.equals(other.agentVersion) || schedulable != other.schedulable
                || !unschedulableReason.equals(other.unschedulableReason);
    }
}
