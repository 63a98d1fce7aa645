package io.herd.controller.placement;

/** The failure domain a group's policy counts members in. */
public enum Scope {
    HOST,
    RACK,
    ZONE;

    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
