package io.herd.controller.placement;

import java.util.Arrays;

/**
 * Counts keyed by non-negative int (a failure domain), in open addressing without boxing:
 * the anti-affinity filter looks one up for every host it considers.
 */
final class IntCounts {
    private static final int EMPTY = -1;
    private int[] keys = newKeys(8);
    private int[] counts = new int[8];
    private int size;

    int get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                return counts[i];
            }
            if (k == EMPTY) {
                return 0;
            }
        }
    }

    /** Adds delta to the key's count; a count that reaches zero is removed. Returns the new count. */
    int add(int key, int delta) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            if (delta == 0) {
                return 0;
            }
            keys[i] = key;
            counts[i] = delta;
            if (++size * 2 > keys.length) {
                rehash(keys.length * 2);
            }
            return delta;
        }
        counts[i] += delta;
        int count = counts[i];
        if (count == 0) {
            removeAt(i);
        }
        return count;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    /** Visits every key with a non-zero count. */
    void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.visit(keys[i], counts[i]);
            }
        }
    }

    interface Visitor {
        void visit(int key, int count);
    }

    private void removeAt(int slot) {
        // backward-shift deletion keeps every probe chain unbroken
        int mask = keys.length - 1;
        int hole = slot;
        for (int i = (slot + 1) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            int home = mix(keys[i]) & mask;
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                keys[hole] = keys[i];
                counts[hole] = counts[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        size--;
    }

    private void rehash(int capacity) {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = newKeys(capacity);
        counts = new int[capacity];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                add(oldKeys[i], oldCounts[i]);
            }
        }
    }

    private static int[] newKeys(int capacity) {
        int[] keys = new int[capacity];
        Arrays.fill(keys, EMPTY);
        return keys;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
