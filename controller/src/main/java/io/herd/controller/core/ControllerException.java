package io.herd.controller.core;

/** A request the core refuses, with the kind of refusal the API turns into a gRPC status. */
public final class ControllerException extends RuntimeException {

    /** Kinds of refusal; each maps to the gRPC code of the same name. */
    public enum Kind { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE,
        PERMISSION_DENIED }

    private final Kind kind;

    public ControllerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static ControllerException notFound(String message) {
        return new ControllerException(Kind.NOT_FOUND, message);
    }

    static ControllerException exhausted(String message) {
        return new ControllerException(Kind.RESOURCE_EXHAUSTED, message);
    }

    static ControllerException precondition(String message) {
        return new ControllerException(Kind.FAILED_PRECONDITION, message);
    }

    static ControllerException denied(String message) {
        return new ControllerException(Kind.PERMISSION_DENIED, message);
    }

    static ControllerException unavailable(String message) {
        return new ControllerException(Kind.UNAVAILABLE, message);
    }
}
