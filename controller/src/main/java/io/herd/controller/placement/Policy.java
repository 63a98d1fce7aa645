package io.herd.controller.placement;

/** A server group's placement policy. Hard policies filter hosts; soft ones only weigh them. */
public enum Policy {
    AFFINITY,
    ANTI_AFFINITY,
    SOFT_AFFINITY,
    SOFT_ANTI_AFFINITY;

    public boolean isHard() {
        return this == AFFINITY || this == ANTI_AFFINITY;
    }

    public boolean isAffinity() {
        return this == AFFINITY || this == SOFT_AFFINITY;
    }

    /** Lower-case, hyphenated form used in explanations: {@code anti-affinity}. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
