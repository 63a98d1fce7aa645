package io.herd.controller.model;

import io.herd.common.LaunchLimits;
import io.herd.controller.placement.HostSpec;
import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A hypervisor as the controller knows it. The store keeps identity, labels, address,
 * capacity, the operator's schedulable flag and an operator's evacuation; {@code up},
 * usage, degradation, limits, images and unknown domains are runtime facts that come back
 * with the next heartbeat.
 *
 * @param lastHeartbeat       when the last heartbeat arrived (EPOCH: never)
 * @param unknownServerIds    herd domains on the host that the controller does not know
 * @param limits              the largest server its agent accepts
 * @param images              base images its agent offers, sorted
 * @param evacuationRequested an operator evacuated the host: every server on it is placed
 *                            elsewhere, whatever its group's on_host_failure, until it returns
 * @param downSince           when it was marked DOWN (EPOCH while up)
 * @param approved            false while the host waits for an operator's approval (it takes
 *                            no servers until then)
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
        List<String> unknownServerIds,
        LaunchLimits limits,
        List<String> images,
        boolean evacuationRequested,
        Instant downSince,
        boolean approved) {

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
        limits = limits == null ? LaunchLimits.API : limits;
        images = images == null ? List.of() : List.copyOf(images);
        downSince = downSince == null ? Instant.EPOCH : downSince;
    }

    /**
     * A host known only by its id: what a restart creates for a server whose host's row is
     * missing. DOWN until its agent heartbeats.
     */
    public static HostRecord placeholder(String id) {
        return new HostRecord(id, id, "", "", "", HostCapacity.NONE, Resources.ZERO, Resources.ZERO, "", "", true,
                "", false, false, "", Instant.EPOCH, List.of(), LaunchLimits.API, List.of(), false, Instant.EPOCH, true);
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
                foreignUsage, up, schedulable && !evacuationRequested && approved, degraded, limits, new HashSet<>(images));
    }

    /** Why the host takes no new servers now; empty when it takes them. */
    public String notPlaceableReason() {
        if (!up) {
            return "down: " + (lastHeartbeat.equals(Instant.EPOCH) ? "no heartbeat since the controller started"
                    : "no heartbeat since " + lastHeartbeat);
        }
        if (degraded) {
            return "degraded: " + (degradedReason.isEmpty() ? "its agent cannot reach libvirt" : degradedReason);
        }
        if (!approved) {
            return "awaiting approval: herdctl host approve " + name;
        }
        if (evacuationRequested) {
            return "evacuated by an operator";
        }
        if (!schedulable) {
            return "cordoned: " + unschedulableReason;
        }
        return "";
    }

    public HostRecord withUp(boolean newUp, Instant newDownSince) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, newUp, degraded, degradedReason, lastHeartbeat,
                unknownServerIds, limits, images, evacuationRequested, newUp ? Instant.EPOCH : newDownSince, approved);
    }

    public HostRecord withLastHeartbeat(Instant at) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, up, degraded, degradedReason, at, unknownServerIds,
                limits, images, evacuationRequested, downSince, approved);
    }

    public HostRecord withSchedulable(boolean newSchedulable, String reason) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, newSchedulable, reason, up, degraded, degradedReason, lastHeartbeat, unknownServerIds,
                limits, images, evacuationRequested, downSince, approved);
    }

    public HostRecord withEvacuationRequested(boolean requested) {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, up, degraded, degradedReason, lastHeartbeat,
                unknownServerIds, limits, images, requested, downSince, approved);
    }

    public HostRecord withApproved() {
        return new HostRecord(id, name, rack, zone, agentAddress, capacity, usage, foreignUsage, acceleration,
                agentVersion, schedulable, unschedulableReason, up, degraded, degradedReason, lastHeartbeat,
                unknownServerIds, limits, images, evacuationRequested, downSince, true);
    }

    /** Whether the fields the store keeps differ (a heartbeat that changes none of them is not written). */
    public boolean storedFieldsDiffer(HostRecord other) {
        return other == null
                || !name.equals(other.name) || !rack.equals(other.rack) || !zone.equals(other.zone)
                || !agentAddress.equals(other.agentAddress) || !capacity.equals(other.capacity)
                || !foreignUsage.equals(other.foreignUsage) || !acceleration.equals(other.acceleration)
                || !agentVersion.equals(other.agentVersion) || schedulable != other.schedulable
                || !unschedulableReason.equals(other.unschedulableReason)
                || evacuationRequested != other.evacuationRequested || approved != other.approved;
    }
}
