package io.herd.controller.placement;

/** Why a filter turned a host away. Rejections are data; the API turns their counts into a message. */
public enum Rejection {
    HOST_DOWN,
    HOST_UNSCHEDULABLE,
    HOST_AVOIDED,
    INSUFFICIENT_VCPUS,
    INSUFFICIENT_MEMORY,
    INSUFFICIENT_DISK,
    ANTI_AFFINITY,
    AFFINITY
}
