package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SlotSetTest {

    /** Random adds and removals, repeated ones included, agree with a HashSet. */
    @Property(tries = 300)
    void agreesWithASet(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 200) Integer> slots,
                        @ForAll @Size(max = 300) List<Boolean> removals) {
        SlotSet set = new SlotSet();
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < slots.size(); i++) {
            int slot = slots.get(i);
            if (i < removals.size() && removals.get(i)) {
                set.remove(slot);
                expected.remove(slot);
            } else {
                set.add(slot);
                expected.add(slot);
            }
        }
        Set<Integer> members = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            members.add(set.get(i));
        }
        assertThat(set.size()).isEqualTo(expected.size());
        assertThat(members).isEqualTo(expected);
        for (int slot = 0; slot <= 250; slot++) {
            assertThat(set.contains(slot)).isEqualTo(expected.contains(slot));
        }
    }
}
