package io.herd.common;

/**
 * The largest server a launch may ask for. Each agent has its own (its max_server_* settings)
 * and reports them in its heartbeat; the controller places a server only on a host whose
 * limits it fits, and never accepts more than {@link #API}.
 *
 * @param maxVcpus     most virtual CPUs, ≥ 1
 * @param maxMemoryMib most memory, MiB, ≥ {@link LaunchRules#MIN_MEMORY_MIB}
 * @param maxDiskGib   largest root disk, GiB, ≥ 1
 */
public record LaunchLimits(int maxVcpus, long maxMemoryMib, long maxDiskGib) {

    /** The public API's bounds: 1,024 vCPUs, 16 TiB of memory, a 64 TiB disk. */
    public static final LaunchLimits API = new LaunchLimits(1024, 16L * 1024 * 1024, 64L * 1024);

    public LaunchLimits {
        if (maxVcpus < 1 || maxMemoryMib < LaunchRules.MIN_MEMORY_MIB || maxDiskGib < 1) {
            throw new IllegalArgumentException("launch limits must allow at least 1 vCPU, "
                    + LaunchRules.MIN_MEMORY_MIB + " MiB and 1 GiB, were " + maxVcpus + ", " + maxMemoryMib + ", "
                    + maxDiskGib);
        }
    }

    /**
     * Limits as an agent reported them in a heartbeat's {@code limits}: a field it left at 0 (an
     * agent that does not say) is the API's bound, and nothing is above the API's bounds.
     *
     * @throws InvalidFieldException when a maximum memory is below the smallest server's: such
     *                               an agent could not take any server, and no herd-agent reports it
     */
    public static LaunchLimits reported(long maxVcpus, long maxMemoryMib, long maxDiskGib) {
        if (maxMemoryMib > 0 && maxMemoryMib < LaunchRules.MIN_MEMORY_MIB) {
            throw new InvalidFieldException("limits.max_memory_mib", "must be 0 (not said) or at least "
                    + LaunchRules.MIN_MEMORY_MIB + " MiB, the smallest server's memory, was " + maxMemoryMib);
        }
        return new LaunchLimits((int) bounded(maxVcpus, API.maxVcpus), bounded(maxMemoryMib, API.maxMemoryMib),
                bounded(maxDiskGib, API.maxDiskGib));
    }

    /** Whether a server of this size is within the limits. */
    public boolean admits(int vcpus, long memoryMib, long diskGib) {
        return vcpus <= maxVcpus && memoryMib <= maxMemoryMib && diskGib <= maxDiskGib;
    }

    private static long bounded(long value, long max) {
        return value <= 0 || value > max ? max : value;
    }
}
