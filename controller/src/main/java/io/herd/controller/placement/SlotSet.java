package io.herd.controller.placement;

import java.util.Arrays;

/**
 * A set of host slots with constant-time add, remove and membership, and iteration over its
 * members only (in no particular order), without boxing.
 */
final class SlotSet {
    private static final int ABSENT = -1;
    private int[] members = new int[16];
    /** Each slot's position in {@code members}, or ABSENT. */
    private int[] positionOf = new int[0];
    private int size;

    int size() {
        return size;
    }

    /** The index-th member, for 0 ≤ index &lt; size(). */
    int get(int index) {
        return members[index];
    }

    boolean contains(int slot) {
        return slot < positionOf.length && positionOf[slot] != ABSENT;
    }

    void add(int slot) {
        if (contains(slot)) {
            return;
        }
        if (slot >= positionOf.length) {
            int old = positionOf.length;
            positionOf = Arrays.copyOf(positionOf, Math.max(slot + 1, old * 2));
            Arrays.fill(positionOf, old, positionOf.length, ABSENT);
        }
        if (size == members.length) {
            members = Arrays.copyOf(members, size * 2);
        }
        members[size] = slot;
        positionOf[slot] = size++;
    }

    void remove(int slot) {
        if (!contains(slot)) {
            return;
        }
        int position = positionOf[slot];
        int last = members[--size];
        members[position] = last;
        positionOf[last] = position;
        positionOf[slot] = ABSENT;
    }
}
