package io.herd.controller.placement;

import io.herd.common.LaunchLimits;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Hosts as struct-of-arrays indexed by a slot number, so that filters read primitives
 * instead of chasing objects. Capacity is what placement may hand out minus what foreign
 * domains use; usage is what herd's own claims hold. Slots of removed hosts are reused.
 */
final class HostSlots {
    private final Map<String, Integer> slotById = new HashMap<>();
    private final IntList freeSlots = new IntList();
    private int highWater;

    HostSpec[] specs = new HostSpec[16];
    long[] capacityVcpus = new long[16];
    long[] capacityMemoryMib = new long[16];
    long[] capacityDiskGib = new long[16];
    long[] usedVcpus = new long[16];
    long[] usedMemoryMib = new long[16];
    long[] usedDiskGib = new long[16];
    boolean[] up = new boolean[16];
    boolean[] schedulable = new boolean[16];
    boolean[] degraded = new boolean[16];
    /** Up, schedulable and not degraded: the host is a candidate at all. */
    boolean[] eligible = new boolean[16];
    /** The largest server each host's agent accepts. */
    long[] maxVcpus = new long[16];
    long[] maxMemoryMib = new long[16];
    long[] maxDiskGib = new long[16];
    /**
     * Live hosts that are not plain: not eligible, with launch limits below the API's bounds, or
     * offering only some images. Every other live host passes the host filters alike for any
     * request the API admits, so a refusal can count those hosts without looking at each.
     */
    private final SlotSet unusual = new SlotSet();
    /** The base images each host offers, by slot; null when any image fits. */
    private final java.util.List<java.util.Set<String>> images = new java.util.ArrayList<>();

    /** The slot of a host, or -1. */
    int slotOf(String hostId) {
        Integer slot = slotById.get(hostId);
        return slot == null ? -1 : slot;
    }

    /** One past the highest slot ever used; live slots have a non-null spec. */
    int highWater() {
        return highWater;
    }

    int size() {
        return slotById.size();
    }

    boolean live(int slot) {
        return specs[slot] != null;
    }

    int allocate(String hostId) {
        int slot;
        if (freeSlots.size() > 0) {
            slot = freeSlots.get(freeSlots.size() - 1);
            freeSlots.removeValue(slot);
        } else {
            slot = highWater++;
            if (slot == specs.length) {
                grow(slot * 2);
            }
        }
        slotById.put(hostId, slot);
        return slot;
    }

    /** Sets the host's description; usage stays. */
    void describe(int slot, HostSpec host) {
        specs[slot] = host;
        Resources allocatable = host.allocatable();
        capacityVcpus[slot] = (long) allocatable.vcpus() - host.foreignUsage().vcpus();
        capacityMemoryMib[slot] = allocatable.memoryMib() - host.foreignUsage().memoryMib();
        capacityDiskGib[slot] = allocatable.diskGib() - host.foreignUsage().diskGib();
        up[slot] = host.up();
        schedulable[slot] = host.schedulable();
        degraded[slot] = host.degraded();
        eligible[slot] = host.eligible();
        maxVcpus[slot] = host.limits().maxVcpus();
        maxMemoryMib[slot] = host.limits().maxMemoryMib();
        maxDiskGib[slot] = host.limits().maxDiskGib();
        while (images.size() <= slot) {
            images.add(null);
        }
        images.set(slot, host.images());
        if (host.eligible() && host.limits().equals(LaunchLimits.API) && host.images() == null) {
            unusual.remove(slot);
        } else {
            unusual.add(slot);
        }
    }

    /** The live hosts that are not plain (see {@link #unusual}). */
    SlotSet unusual() {
        return unusual;
    }

    /**
     * Whether the slot is a live, plain host: eligible, limited only by the API's bounds and
     * offering every image.
     */
    boolean plain(int slot) {
        return live(slot) && !unusual.contains(slot);
    }

    /** Whether the host's agent accepts a server of this size and image. */
    boolean admits(int slot, Resources flavor) {
        return flavor.vcpus() <= maxVcpus[slot] && flavor.memoryMib() <= maxMemoryMib[slot]
                && flavor.diskGib() <= maxDiskGib[slot];
    }

    boolean offers(int slot, String image) {
        java.util.Set<String> offered = images.get(slot);
        return image.isEmpty() || offered == null || offered.contains(image);
    }

    void free(int slot) {
        slotById.remove(specs[slot].id());
        specs[slot] = null;
        eligible[slot] = false;
        images.set(slot, null);
        unusual.remove(slot);
        usedVcpus[slot] = 0;
        usedMemoryMib[slot] = 0;
        usedDiskGib[slot] = 0;
        freeSlots.add(slot);
    }

    void use(int slot, Resources amount, int sign) {
        usedVcpus[slot] += (long) sign * amount.vcpus();
        usedMemoryMib[slot] += sign * amount.memoryMib();
        usedDiskGib[slot] += sign * amount.diskGib();
    }

    long freeVcpus(int slot) {
        return capacityVcpus[slot] - usedVcpus[slot];
    }

    long freeMemoryMib(int slot) {
        return capacityMemoryMib[slot] - usedMemoryMib[slot];
    }

    long freeDiskGib(int slot) {
        return capacityDiskGib[slot] - usedDiskGib[slot];
    }

    String id(int slot) {
        return specs[slot].id();
    }

    private void grow(int length) {
        specs = Arrays.copyOf(specs, length);
        capacityVcpus = Arrays.copyOf(capacityVcpus, length);
        capacityMemoryMib = Arrays.copyOf(capacityMemoryMib, length);
        capacityDiskGib = Arrays.copyOf(capacityDiskGib, length);
        usedVcpus = Arrays.copyOf(usedVcpus, length);
        usedMemoryMib = Arrays.copyOf(usedMemoryMib, length);
        usedDiskGib = Arrays.copyOf(usedDiskGib, length);
        up = Arrays.copyOf(up, length);
        schedulable = Arrays.copyOf(schedulable, length);
        degraded = Arrays.copyOf(degraded, length);
        eligible = Arrays.copyOf(eligible, length);
        maxVcpus = Arrays.copyOf(maxVcpus, length);
        maxMemoryMib = Arrays.copyOf(maxMemoryMib, length);
        maxDiskGib = Arrays.copyOf(maxDiskGib, length);
    }
}
