package io.herd.controller.placement;

/** How hosts that pass every filter are ranked after soft policies. */
public enum Weighing {
    /** Prefer the host with the most free memory: spreads load. */
    SPREAD,
    /** Prefer the host with the least free memory that still fits: packs hosts full. */
    PACK
}
