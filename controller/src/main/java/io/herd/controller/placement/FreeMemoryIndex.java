package io.herd.controller.placement;

import java.util.Arrays;
import java.util.Comparator;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The hosts that are up and schedulable, ordered the way the weighing prefers them (most
 * free memory first for SPREAD, least for PACK; then host id), so that a decision walks
 * from the best host and stops at the first one that passes every filter instead of
 * scoring every host.
 */
final class FreeMemoryIndex {

    /** A host's position in the order. Its key fields change only while it is out of the set. */
    static final class Entry {
        long freeMemoryMib;
        String hostId;
        final int slot;

        Entry(int slot) {
            this.slot = slot;
        }
    }

    private final Weighing weighing;
    private final TreeSet<Entry> order;
    private Entry[] bySlot = new Entry[16];
    private final Entry probe = new Entry(-1);

    FreeMemoryIndex(Weighing weighing) {
        this.weighing = weighing;
        Comparator<Entry> byMemory = weighing == Weighing.SPREAD
                ? (a, b) -> Long.compare(b.freeMemoryMib, a.freeMemoryMib)
                : (a, b) -> Long.compare(a.freeMemoryMib, b.freeMemoryMib);
        this.order = new TreeSet<>(byMemory.thenComparing(e -> e.hostId));
    }

    /** Adds the host or moves it to its new place. */
    void put(int slot, String hostId, long freeMemoryMib) {
        if (slot >= bySlot.length) {
            bySlot = Arrays.copyOf(bySlot, Math.max(slot + 1, bySlot.length * 2));
        }
        Entry entry = bySlot[slot];
        if (entry == null) {
            entry = new Entry(slot);
            bySlot[slot] = entry;
        } else if (entry.freeMemoryMib == freeMemoryMib && entry.hostId.equals(hostId)) {
            // in its place already: a tree node moved for nothing is garbage that may outlive a young collection
            return;
        } else {
            order.remove(entry);
        }
        entry.freeMemoryMib = freeMemoryMib;
        entry.hostId = hostId;
        order.add(entry);
    }

    void remove(int slot) {
        if (slot < bySlot.length && bySlot[slot] != null) {
            order.remove(bySlot[slot]);
            bySlot[slot] = null;
        }
    }

    /**
     * Hosts in preference order, starting at the first that may have {@code needMemoryMib}
     * free. Under SPREAD the caller stops at the first entry with less than that.
     */
    NavigableSet<Entry> from(long needMemoryMib) {
        if (weighing == Weighing.SPREAD) {
            return order;
        }
        probe.freeMemoryMib = needMemoryMib;
        probe.hostId = "";
        return order.tailSet(probe, true);
    }

    /** Whether host a is preferred to host b by free memory and then id. */
    boolean prefers(long freeA, String idA, long freeB, String idB) {
        if (freeA != freeB) {
            return weighing == Weighing.SPREAD ? freeA > freeB : freeA < freeB;
        }
        return idA.compareTo(idB) < 0;
    }
}
