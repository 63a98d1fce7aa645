package io.herd.controller.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refusal as the console answers it: an HTTP status and
 * {@code {"error": {"code": "INVALID_ARGUMENT", "field": "name", "message": "name: …"}}}, where
 * the code is the gRPC API's and the field is the one its message begins with (so the page can
 * show it at the form's field of that name).
 */
final class ConsoleError extends RuntimeException {

    /** The API's messages begin with the field they are about: {@code max_per_domain: must be …}. */
    private static final Pattern FIELD = Pattern.compile("^([a-z_]+)(\\[[0-9]+])?: ");

    private final int status;
    private final String code;

    ConsoleError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    /** The gRPC API's refusal, with the HTTP status that means the same. */
    static ConsoleError from(Status grpc) {
        int http = switch (grpc.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED -> 409;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
        String message = grpc.getDescription() == null ? grpc.getCode().name() : grpc.getDescription();
        return new ConsoleError(http, grpc.getCode().name(), message);
    }

    static ConsoleError badRequest(String message) {
        return new ConsoleError(400, Status.Code.INVALID_ARGUMENT.name(), message);
    }

    static ConsoleError notFound(String message) {
        return new ConsoleError(404, Status.Code.NOT_FOUND.name(), message);
    }

    /** The field the message names, or empty. */
    String field() {
        Matcher m = FIELD.matcher(getMessage());
        return m.find() ? m.group(1) : "";
    }

    ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("status", status).put("code", code).put("field", field())
                .put("message", getMessage());
        return body;
    }
}
