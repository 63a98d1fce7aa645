package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchRules;
import java.util.regex.Pattern;

/**
 * Checks of request fields. Each failure is INVALID_ARGUMENT naming the field and what it
 * must be. Names, images, networks and sizes follow {@link LaunchRules}, the rules every agent
 * checks a launch with.
 */
final class Fields {

    static final int MAX_COUNT = 1000;
    static final int MAX_PER_DOMAIN = 1000;

    private Fields() {
    }

    static StatusRuntimeException invalid(String field, String message) {
        return Status.INVALID_ARGUMENT.withDescription(field + ": " + message).asRuntimeException();
    }

    /**
     * A refusal of a field inside {@code outer} (e.g. {@code servers[3]}), checked under its own
     * name: the outer name put in front. Anything but a refusal of a field is returned as it is.
     */
    static RuntimeException within(String outer, RuntimeException refusal) {
        if (refusal instanceof InvalidFieldException f) {
            return f.within(outer);
        }
        if (refusal instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
            return Status.INVALID_ARGUMENT.withDescription(outer + "." + s.getStatus().getDescription())
                    .asRuntimeException();
        }
        return refusal;
    }

    /** 1–255 printable characters. */
    static String name(String field, String value) {
        return LaunchRules.name(field, value);
    }

    /** Empty, or 1–255 printable characters. */
    static String optional(String field, String value) {
        return LaunchRules.optionalName(field, value);
    }

    // compiled once: a heartbeat checks its agent address every time
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    /**
     * {@code host:port} with a port of 1–65535; the host a name, an IPv4 address or a bracketed
     * IPv6 address.
     */
    static String hostPort(String field, String value) {
        name(field, value);
        int colon = value.lastIndexOf(':');
        String host = colon <= 0 ? "" : value.substring(0, colon);
        String port = colon < 0 ? "" : value.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2
                && IPV6.matcher(host.substring(1, host.length() - 1)).matches();
        boolean plain = HOST.matcher(host).matches();
        if (!(bracketed || plain) || !PORT.matcher(port).matches() || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65_535) {
            throw invalid(field, "must be host:port with a port of 1–65535 (e.g. hv1.example.org:7701, "
                    + "10.0.0.5:7701, [2001:db8::5]:7701), was '" + value + "'");
        }
        return value;
    }

    /** A Unix socket path in an agent address is at most this long (the kernel's limit is 108 bytes). */
    static final int MAX_SOCKET_PATH = 107;

    /**
     * Where the controller calls an agent: {@code host:port}, or {@code unix:///absolute/path}
     * for an agent on this machine serving on a Unix socket (plaintext mode only).
     */
    static String agentAddress(String field, String value) {
        if (!value.startsWith("unix:")) {
            return hostPort(field, value);
        }
        name(field, value);
        // "unix:" and "unix:/" are shorter than the scheme's "unix://"
        String path = value.startsWith("unix:///") ? value.substring("unix://".length()) : "";
        if (path.isEmpty() || path.length() > MAX_SOCKET_PATH || path.contains("/../")
                || path.contains("//") || !path.matches("/[A-Za-z0-9._/+@-]+")) {
            throw invalid(field, "must be host:port, or unix:///absolute/path of at most " + MAX_SOCKET_PATH
                    + " characters of A–Z a–z 0–9 . _ / + @ -, was '" + value + "'");
        }
        return value;
    }

    /** Empty, or 1–255 of A–Z a–z 0–9 . _ - (an id chosen by the caller, e.g. a flavor's). */
    static String optionalId(String field, String value) {
        if (!value.isEmpty() && !ID.matcher(value).matches()) {
            throw invalid(field, "must be empty or 1–255 of A–Z a–z 0–9 . _ -"
                    + (value.length() > 64 ? " (was " + value.length() + " characters)" : ", was '" + value + "'"));
        }
        return value;
    }

    static long range(String field, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max + unit + ", was " + value);
        }
        return value;
    }

    /** proto3 uint32 arrives as a signed int; negative means ≥ 2^31. */
    static long unsigned(int value) {
        return Integer.toUnsignedLong(value);
    }
}
