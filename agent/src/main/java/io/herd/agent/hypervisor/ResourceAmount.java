package io.herd.agent.hypervisor;

/** vCPUs, memory (MiB) and disk (GiB) held by domains. */
public record ResourceAmount(long vcpus, long memoryMib, long diskGib) {

    public static final ResourceAmount ZERO = new ResourceAmount(0, 0, 0);

    public ResourceAmount plus(long moreVcpus, long moreMemoryMib, long moreDiskGib) {
        return new ResourceAmount(vcpus + moreVcpus, memoryMib + moreMemoryMib, diskGib + moreDiskGib);
    }
}
