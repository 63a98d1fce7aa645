package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IntCountsTest {

    /** Random adds and removals agree with a HashMap, including across growth and backward-shift deletes. */
    @Property(tries = 300)
    void agreesWithAMap(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 60) Integer> keys,
                        @ForAll @Size(max = 300) List<Boolean> removals) {
        IntCounts counts = new IntCounts();
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int key = keys.get(i);
            boolean remove = i < removals.size() && removals.get(i) && expected.containsKey(key);
            int delta = remove ? -1 : 1;
            expected.merge(key, delta, (a, b) -> a + b == 0 ? null : a + b);
            counts.add(key, delta);
        }
        assertThat(counts.size()).isEqualTo(expected.size());
        for (int key = 0; key <= 60; key++) {
            assertThat(counts.get(key)).isEqualTo(expected.getOrDefault(key, 0));
        }
        Map<Integer, Integer> visited = new HashMap<>();
        counts.forEach(visited::put);
        assertThat(visited).isEqualTo(expected);
    }
}
