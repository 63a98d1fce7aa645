package io.herd.controller.model;

/** Lifecycle of a server as the controller keeps it. */
public enum ServerStatus {
    /** Placed and claimed; the launch is in flight. */
    BUILDING,
    /** Its domain is running. */
    ACTIVE,
    /** The launch failed everywhere, or the domain vanished or stopped. */
    ERROR,
    /** A delete is in flight. */
    DELETING,
    /** Its host is down: nobody can tell. */
    UNKNOWN
}
