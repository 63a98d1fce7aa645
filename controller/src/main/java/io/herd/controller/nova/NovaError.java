package io.herd.controller.nova;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerException;
import java.util.Map;

/**
 * A refusal as Nova answers it: an HTTP status and the fault body
 * {@code {"badRequest": {"code": 400, "message": "..."}}}, whose name Nova derives from the
 * status (nova/api/openstack/wsgi.py, {@code Fault}).
 */
public final class NovaError extends RuntimeException {

    /** Nova's fault names by status; any other status is a "computeFault". */
    private static final Map<Integer, String> FAULT_NAMES = Map.ofEntries(Map.entry(400, "badRequest"),
            Map.entry(401, "unauthorized"), Map.entry(403, "forbidden"), Map.entry(404, "itemNotFound"),
            Map.entry(405, "badMethod"), Map.entry(409, "conflictingRequest"), Map.entry(413, "overLimit"),
            Map.entry(415, "badMediaType"), Map.entry(429, "overLimit"), Map.entry(501, "notImplemented"),
            Map.entry(503, "serviceUnavailable"));

    private final int status;
    /** The methods a 405 names in its Allow header; null for other refusals. */
    private String allow;

    NovaError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status of this refusal. */
    public int status() {
        return status;
    }

    /** This refusal, naming the methods the path takes (for a 405's Allow header). */
    NovaError allowing(String methods) {
        this.allow = methods;
        return this;
    }

    String allow() {
        return allow;
    }

    static NovaError badRequest(String message) {
        return new NovaError(400, message);
    }

    static NovaError notFound(String message) {
        return new NovaError(404, message);
    }

    /** The fault body. */
    ObjectNode body() {
        ObjectNode fault = JsonNodeFactory.instance.objectNode();
        fault.putObject(FAULT_NAMES.getOrDefault(status, "computeFault")).put("code", status)
                .put("message", getMessage());
        return fault;
    }

    /**
     * The core's refusal as Nova's status: a duplicate name or a group that still has members
     * is a conflict (409), a quota a 403 as Nova's quotas are, an unreachable store a 503.
     */
    static NovaError from(ControllerException e) {
        return switch (e.kind()) {
            case INVALID_ARGUMENT -> new NovaError(400, e.getMessage());
            case NOT_FOUND -> new NovaError(404, e.getMessage());
            case ALREADY_EXISTS, FAILED_PRECONDITION -> new NovaError(409, e.getMessage());
            case RESOURCE_EXHAUSTED -> new NovaError(403, "Quota exceeded: " + e.getMessage());
            case PERMISSION_DENIED -> new NovaError(403, e.getMessage());
            case UNAVAILABLE -> new NovaError(503, e.getMessage());
        };
    }
}
