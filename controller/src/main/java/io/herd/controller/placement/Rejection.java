package io.herd.controller.placement;

/** Why a filter turned a host away. Rejections are data; the API turns their counts into a message. */
public enum Rejection {
    HOST_DOWN,
    /** Its agent cannot reach libvirt. */
    HOST_DEGRADED,
    HOST_UNSCHEDULABLE,
    HOST_AVOIDED,
    /** Not the host the request asked for. */
    NOT_REQUESTED_HOST,
    /** The server is larger than the host's agent accepts (its launch limits). */
    SERVER_TOO_LARGE,
    /** The host's agent does not offer the server's image. */
    IMAGE_MISSING,
    INSUFFICIENT_VCPUS,
    INSUFFICIENT_MEMORY,
    INSUFFICIENT_DISK,
    ANTI_AFFINITY,
    AFFINITY
}
