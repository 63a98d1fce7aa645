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

    public Resources plus(Resources other) {
        return new Resources(vcpus + other.vcpus, memoryMib + other.memoryMib, diskGib + other.diskGib);
    }

    public Resources times(int n) {
        return new Resources(vcpus * n, memoryMib * n, diskGib * n);
    }
}
