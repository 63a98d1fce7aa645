package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Checks of request fields. Each failure is INVALID_ARGUMENT naming the field and what it must be. */
final class Fields {

    static final int MAX_NAME_CHARS = 255;
    static final int MAX_VCPUS = 1024;
    /** 16 TiB. */
    static final long MAX_MEMORY_MIB = 16L * 1024 * 1024;
    static final long MIN_MEMORY_MIB = 16;
    /** 64 TiB. */
    static final long MAX_DISK_GIB = 64L * 1024;
    static final int MAX_COUNT = 1000;
    static final int MAX_PER_DOMAIN = 1000;

    private Fields() {
    }

    static StatusRuntimeException invalid(String field, String message) {
        return Status.INVALID_ARGUMENT.withDescription(field + ": " + message).asRuntimeException();
    }

    /** 1–255 printable characters (no control characters). */
    static String name(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(field, "required, 1–" + MAX_NAME_CHARS + " printable characters");
        }
        return printable(field, value);
    }

    /** Empty, or 1–255 printable characters. */
    static String optional(String field, String value) {
        return value.isEmpty() ? value : printable(field, value);
    }

    private static String printable(String field, String value) {
        int chars = value.codePointCount(0, value.length());
        if (chars > MAX_NAME_CHARS) {
            throw invalid(field, "too long (" + chars + " characters), at most " + MAX_NAME_CHARS);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (Character.isISOControl(cp) || !Character.isDefined(cp) || Character.getType(cp) == Character.SURROGATE
                    || Character.getType(cp) == Character.FORMAT) {
                throw invalid(field, "must be printable; character U+" + String.format("%04X", cp) + " at "
                        + i + " is not");
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    /** A file name inside the agents' image directory: printable, no path separators. */
    static String imageName(String field, String value) {
        optional(field, value);
        if (value.contains("/") || value.equals(".") || value.equals("..")) {
            throw invalid(field, "must be a file name inside the agents' image directory, without '/'");
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
