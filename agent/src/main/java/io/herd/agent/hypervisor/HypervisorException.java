package io.herd.agent.hypervisor;

/** A hypervisor operation that did not happen, with why. */
public class HypervisorException extends Exception {

    /** What kind of failure, so callers can map it to their own error codes. */
    public enum Kind {
        /** A named thing (base image) does not exist. */
        NOT_FOUND,
        /** The server id is taken by a domain with another spec. */
        CONFLICT,
        /** A domain with that id exists but is not herd's: herd does not touch it. */
        NOT_HERDS,
        /** libvirt is unreachable (the agent is degraded). */
        UNAVAILABLE,
        /** libvirt refused or failed; the message is libvirt's reason. */
        FAILED
    }

    private final Kind kind;

    public HypervisorException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HypervisorException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
