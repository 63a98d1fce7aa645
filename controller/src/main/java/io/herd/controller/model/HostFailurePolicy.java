package io.herd.controller.model;

/** What happens to a group's members on a host that goes DOWN. */
public enum HostFailurePolicy {
    /** Wait for the operator: the members stay UNKNOWN on their host, holding their claims. */
    NONE,
    /** After the grace period, place each member again elsewhere and relaunch it from its image. */
    EVACUATE
}
