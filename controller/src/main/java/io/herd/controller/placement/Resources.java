package io.herd.controller.placement;

/** An amount of vCPUs, memory (MiB) and disk (GiB). */
public record Resources(int vcpus, long memoryMib, long diskGib) {

    public static final Resources ZERO = new Resources(0, 0, 0);

    public Resources {
        if (vcpus < 0 || memoryMib < 0 || diskGib < 0) {
            throw new IllegalArgumentException("resources must not be negative: " + vcpus + " vcpus, "
                    + memoryMib + " MiB, " + diskGib + " GiB");
        }
    }

    /** The sum, saturating at the largest value of each field instead of overflowing. */
    public Resources plus(Resources other) {
        long v = (long) vcpus + other.vcpus;
        long m = memoryMib + other.memoryMib;
        long d = diskGib + other.diskGib;
        return new Resources((int) Math.min(Integer.MAX_VALUE, v), m < 0 ? Long.MAX_VALUE : m,
                d < 0 ? Long.MAX_VALUE : d);
    }

    public Resources times(int n) {
        return new Resources(vcpus * n, memoryMib * n, diskGib * n);
    }
}
