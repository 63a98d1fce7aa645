package io.herd.controller.placement;

import java.util.List;
import java.util.Map;

/** The engine's answer: servers placed (and already claimed), or why no host fits. */
public sealed interface PlacementResult {

    /** Every server placed and claimed, in the order of the request's server ids. */
    record Placed(List<Allocation> allocations) implements PlacementResult {
        public Placed {
            allocations = List.copyOf(allocations);
        }
    }

    /**
     * Nothing placed, nothing claimed.
     *
     * @param rejections how many hosts each filter turned away (each host counted once, by
     *                   the first filter that rejected it)
     * @param explanation a sentence a user can act on
     */
    record NoValidHost(Map<Rejection, Integer> rejections, String explanation) implements PlacementResult {
        public NoValidHost {
            rejections = Map.copyOf(rejections);
        }
    }
}
