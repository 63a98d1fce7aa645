package io.herd.controller.placement;

import io.herd.common.LaunchLimits;
import java.util.Objects;
import java.util.Set;

/**
 * A hypervisor as placement sees it.
 *
 * @param id            stable host id (the key)
 * @param name          host name, for explanations
 * @param rack          rack label; blank means the host is a rack of its own
 * @param zone          zone label; blank means the host is a zone of its own
 * @param physical      cpus, memory (MiB) and instance disk (GiB) of the node
 * @param reserved      held back for the hypervisor itself
 * @param cpuAllocationRatio vCPUs handed out per physical CPU
 * @param ramAllocationRatio memory handed out per MiB of (memory − reserved)
 * @param foreignUsage  used by domains herd did not create; counts as used
 * @param up            heartbeats are arriving
 * @param schedulable   an operator has not taken it out of placement
 * @param degraded      its agent cannot reach libvirt: it takes no new servers
 * @param limits        the largest server its agent accepts
 * @param images        base images its agent offers; null when not modelled (any image fits)
 */
public record HostSpec(
        String id,
        String name,
        String rack,
        String zone,
        Resources physical,
        Resources reserved,
        double cpuAllocationRatio,
        double ramAllocationRatio,
        Resources foreignUsage,
        boolean up,
        boolean schedulable,
        boolean degraded,
        LaunchLimits limits,
        Set<String> images) {

    public HostSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        rack = rack == null ? "" : rack;
        zone = zone == null ? "" : zone;
        Objects.requireNonNull(physical, "physical");
        reserved = reserved == null ? Resources.ZERO : reserved;
        foreignUsage = foreignUsage == null ? Resources.ZERO : foreignUsage;
        limits = limits == null ? LaunchLimits.API : limits;
        images = images == null ? null : Set.copyOf(images);
        if (!(cpuAllocationRatio > 0) || !(ramAllocationRatio > 0)) {
            throw new IllegalArgumentException("allocation ratios must be > 0");
        }
    }

    /** A host that is not degraded, takes any server up to the API's bounds, and any image. */
    public HostSpec(String id, String name, String rack, String zone, Resources physical, Resources reserved,
                    double cpuAllocationRatio, double ramAllocationRatio, Resources foreignUsage, boolean up,
                    boolean schedulable) {
        this(id, name, rack, zone, physical, reserved, cpuAllocationRatio, ramAllocationRatio, foreignUsage, up,
                schedulable, false, LaunchLimits.API, null);
    }

    /**
     * What placement may hand out in total (before subtracting any use):
     * vcpus = cpus × cpu_allocation_ratio − reserved, memory = (memory − reserved) ×
     * ram_allocation_ratio, disk = disk − reserved. Never negative.
     */
    public Resources allocatable() {
        long vcpus = (long) Math.floor(physical.vcpus() * cpuAllocationRatio) - reserved.vcpus();
        long memory = (long) Math.floor((physical.memoryMib() - reserved.memoryMib()) * ramAllocationRatio);
        long disk = physical.diskGib() - reserved.diskGib();
        return new Resources((int) Math.max(0, Math.min(Integer.MAX_VALUE, vcpus)), Math.max(0, memory), Math.max(0, disk));
    }

    /** Whether the host takes new servers at all: up, schedulable and not degraded. */
    public boolean eligible() {
        return up && schedulable && !degraded;
    }

    /** Convenience for tests and the benchmark: an up, schedulable host with nothing reserved. */
    public static HostSpec of(String name, String rack, String zone, int vcpus, long memoryMib, long diskGib,
                              double cpuAllocationRatio, double ramAllocationRatio) {
        return new HostSpec(name, name, rack, zone, new Resources(vcpus, memoryMib, diskGib), Resources.ZERO,
                cpuAllocationRatio, ramAllocationRatio, Resources.ZERO, true, true);
    }

    public HostSpec withUp(boolean up) {
        return new HostSpec(id, name, rack, zone, physical, reserved, cpuAllocationRatio, ramAllocationRatio,
                foreignUsage, up, schedulable, degraded, limits, images);
    }

    public HostSpec withSchedulable(boolean schedulable) {
        return new HostSpec(id, name, rack, zone, physical, reserved, cpuAllocationRatio, ramAllocationRatio,
                foreignUsage, up, schedulable, degraded, limits, images);
    }

    public HostSpec withDegraded(boolean degraded) {
        return new HostSpec(id, name, rack, zone, physical, reserved, cpuAllocationRatio, ramAllocationRatio,
                foreignUsage, up, schedulable, degraded, limits, images);
    }

    public HostSpec withLimits(LaunchLimits limits, Set<String> images) {
        return new HostSpec(id, name, rack, zone, physical, reserved, cpuAllocationRatio, ramAllocationRatio,
                foreignUsage, up, schedulable, degraded, limits, images);
    }
}
