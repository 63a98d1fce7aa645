package io.herd.controller.model;

/**
 * A host's capacity as its agent reports it.
 *
 * @param cpus               physical CPUs (logical processors)
 * @param memoryMib          physical memory, MiB
 * @param diskFreeGib        free instance disk, GiB
 * @param diskTotalGib       size of the instance-disk file system, GiB
 * @param reservedCpus       CPUs held back for the hypervisor
 * @param reservedMemoryMib  memory held back, MiB
 * @param reservedDiskGib    disk held back, GiB
 * @param cpuAllocationRatio vCPUs handed out per physical CPU
 * @param ramAllocationRatio memory handed out per MiB of (memory − reserved)
 */
public record HostCapacity(
        int cpus,
        long memoryMib,
        long diskFreeGib,
        long diskTotalGib,
        int reservedCpus,
        long reservedMemoryMib,
        long reservedDiskGib,
        double cpuAllocationRatio,
        double ramAllocationRatio) {

    public static final HostCapacity NONE = new HostCapacity(0, 0, 0, 0, 0, 0, 0, 1.0, 1.0);
}
