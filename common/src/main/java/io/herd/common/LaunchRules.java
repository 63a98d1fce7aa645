package io.herd.common;

import java.util.regex.Pattern;

/**
 * What a launch request may hold, in one place: the controller checks a CreateServers request
 * with these rules before it claims anything, and the agent checks a LaunchServer request with
 * the same rules before it touches libvirt, so that the controller never claims a server that
 * an agent would refuse. Every refusal is an {@link InvalidFieldException} naming the field.
 */
public final class LaunchRules {

    /** Longest name, in characters (code points). */
    public static final int MAX_NAME_CHARS = 255;
    /** Smallest memory a domain may have, MiB. */
    public static final long MIN_MEMORY_MIB = 16;

    /** A plain file name: no directory part, no leading dot (so neither "." nor ".." nor "../x"). */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");
    /** A libvirt network name as herd accepts it. */
    private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    /** Group ids are the controller's UUIDs; this is what the agent keeps in a domain's metadata. */
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9._:-]{1,255}");

    private LaunchRules() {
    }

    /** Required: 1–255 printable characters. */
    public static String name(String field, String value) {
        if (value.isEmpty()) {
            throw new InvalidFieldException(field, "required, 1–" + MAX_NAME_CHARS + " printable characters");
        }
        return printable(field, value);
    }

    /** Empty, or 1–255 printable characters. */
    public static String optionalName(String field, String value) {
        return value.isEmpty() ? value : printable(field, value);
    }

    /**
     * Printable: no control, format, surrogate, private-use or unassigned characters and no
     * line or paragraph separators. XML metacharacters are fine: the agent writes names with
     * an XML API that escapes them.
     */
    public static boolean printable(int codePoint) {
        if (Character.isISOControl(codePoint) || !Character.isDefined(codePoint)) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.FORMAT
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }

    /** Empty (a diskless server), or a base image's file name in the agents' image directory. */
    public static String image(String field, String value) {
        if (!value.isEmpty() && !IMAGE.matcher(value).matches()) {
            throw new InvalidFieldException(field, "must be a file name in the agents' image directory: 1–255 of "
                    + "A–Z a–z 0–9 . _ + -, not starting with '.' (no '/')" + shown(value));
        }
        return value;
    }

    /** Empty (no NIC), or a libvirt network name. */
    public static String network(String field, String value) {
        if (!value.isEmpty() && !NETWORK.matcher(value).matches()) {
            throw new InvalidFieldException(field, "must be empty or a libvirt network name: 1–64 of A–Z a–z 0–9 "
                    + ". _ -, not starting with '.' or '-'" + shown(value));
        }
        return value;
    }

    /** Empty (no group), or a group id. */
    public static String groupId(String field, String value) {
        if (!value.isEmpty() && !GROUP_ID.matcher(value).matches()) {
            throw new InvalidFieldException(field, "must be empty or 1–255 of A–Z a–z 0–9 . _ : -" + shown(value));
        }
        return value;
    }

    /**
     * The size of a server: vCPUs 1–max, memory 16 MiB–max, and a disk of 1 GiB–max with an
     * image, exactly 0 without one. Unsigned protobuf values arrive as signed Java values:
     * pass them widened with {@link Integer#toUnsignedLong} (vCPUs) or as they are (a huge
     * uint64 is negative and refused).
     */
    public static void size(long vcpus, long memoryMib, long diskGib, String image, LaunchLimits limits) {
        cpuAndMemory(vcpus, memoryMib, limits);
        if (image.isEmpty()) {
            if (diskGib != 0) {
                throw new InvalidFieldException("disk_gib", "must be 0 for a diskless server (image is empty), was "
                        + Long.toUnsignedString(diskGib));
            }
        } else if (diskGib < 1 || diskGib > limits.maxDiskGib()) {
            throw new InvalidFieldException("disk_gib", "must be between 1 and " + limits.maxDiskGib()
                    + " GiB when an image is given (0 only for a diskless server with an empty image), was "
                    + Long.toUnsignedString(diskGib));
        }
    }

    /**
     * The sizes a flavor (a named size servers are created from) may hold: vCPUs and memory as
     * for a server, and a disk of 0–max GiB. Whether the disk suits an image is checked when a
     * server is created from it, by {@link #size}. Unsigned values as for {@link #size}.
     */
    public static void flavorSize(long vcpus, long memoryMib, long diskGib, LaunchLimits limits) {
        cpuAndMemory(vcpus, memoryMib, limits);
        if (diskGib < 0 || diskGib > limits.maxDiskGib()) {
            throw new InvalidFieldException("disk_gib", "must be between 0 and " + limits.maxDiskGib()
                    + " GiB (0: its servers are diskless, created without an image), was "
                    + Long.toUnsignedString(diskGib));
        }
    }

    private static void cpuAndMemory(long vcpus, long memoryMib, LaunchLimits limits) {
        if (vcpus < 1 || vcpus > limits.maxVcpus()) {
            throw new InvalidFieldException("vcpus", "must be between 1 and " + limits.maxVcpus() + ", was " + vcpus);
        }
        if (memoryMib < MIN_MEMORY_MIB || memoryMib > limits.maxMemoryMib()) {
            throw new InvalidFieldException("memory_mib", "must be between " + MIN_MEMORY_MIB + " and "
                    + limits.maxMemoryMib() + " MiB, was " + Long.toUnsignedString(memoryMib));
        }
    }

    private static String printable(String field, String value) {
        // the cheap bound first, so that a megabyte of text is refused without being scanned
        if (value.length() > 2 * MAX_NAME_CHARS || value.codePointCount(0, value.length()) > MAX_NAME_CHARS) {
            int shown = value.codePointCount(0, Math.min(value.length(), 100_000));
            throw new InvalidFieldException(field, "too long (" + shown + (value.length() > 100_000 ? "+" : "")
                    + " characters), at most " + MAX_NAME_CHARS);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (!printable(cp)) {
                throw new InvalidFieldException(field, String.format(
                        "must be printable characters; U+%04X at position %d is not", cp, i));
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    private static String shown(String value) {
        if (value.length() > 64) {
            return " (was " + value.length() + " characters)";
        }
        StringBuilder b = new StringBuilder(", was '");
        value.codePoints().forEach(cp -> {
            if (printable(cp)) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u%04X", cp));
            }
        });
        return b.append('\'').toString();
    }
}
