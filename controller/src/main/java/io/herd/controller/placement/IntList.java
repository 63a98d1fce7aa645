package io.herd.controller.placement;

import java.util.Arrays;

/** A growable list of ints without boxing. Removal swaps in the last element, so order is not kept. */
final class IntList {
    private int[] items = new int[4];
    private int size;

    int size() {
        return size;
    }

    int get(int index) {
        return items[index];
    }

    void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = value;
    }

    boolean removeValue(int value) {
        for (int i = 0; i < size; i++) {
            if (items[i] == value) {
                items[i] = items[--size];
                return true;
            }
        }
        return false;
    }

    boolean contains(int value) {
        for (int i = 0; i < size; i++) {
            if (items[i] == value) {
                return true;
            }
        }
        return false;
    }
}
