package io.herd.agent.hypervisor;

/**
 * What the hypervisor reports about its host. Sizes are converted to herd's units here:
 * libvirt's node memory is KiB, free memory bytes, volumes bytes.
 *
 * @param cpus           logical CPUs of the node
 * @param memoryMib      node memory, MiB
 * @param diskTotalGib   size of the instance-disk (image directory) file system, GiB
 * @param diskFreeGib    free space there, GiB
 * @param hypervisorType libvirt's driver name, e.g. {@code QEMU}, {@code TEST}
 * @param libvirtVersion major.minor.micro
 * @param acceleration   KVM, TCG or TEST
 * @param usage          held by every domain on the host, herd's or not
 * @param foreignUsage   held by domains without herd's metadata
 * @param domainCount    number of domains, herd's or not
 * @param degraded       true while libvirt is unreachable (the other values are then the last known)
 * @param degradedReason why, empty when not degraded
 */
public record HostFacts(
        int cpus,
        long memoryMib,
        long diskTotalGib,
        long diskFreeGib,
        String hypervisorType,
        String libvirtVersion,
        Acceleration acceleration,
        ResourceAmount usage,
        ResourceAmount foreignUsage,
        int domainCount,
        boolean degraded,
        String degradedReason) {

    public HostFacts asDegraded(String reason) {
        return new HostFacts(cpus, memoryMib, diskTotalGib, diskFreeGib, hypervisorType, libvirtVersion,
                acceleration, usage, foreignUsage, domainCount, true, reason);
    }
}
