package io.herd.agent.api;

/** Upper bounds of a launch request, from config. */
public record LaunchLimits(int maxVcpus, long maxMemoryMib, long maxDiskGib) {

    /** Smallest memory a domain may have, MiB. */
    public static final long MIN_MEMORY_MIB = 16;
    /** Longest server name, in characters (code points). */
    public static final int MAX_NAME_CHARS = 255;
}
