package io.herd.agent.api;

import io.herd.agent.hypervisor.DomainSpec;
import io.herd.api.v1.LaunchServerRequest;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks every field of a request before anything is touched. */
public final class LaunchRequestValidator {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** A plain file name: no directory part, no leading dot (so neither "." nor ".." nor "../x"). */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9._:-]{1,255}");
    private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    private final LaunchLimits limits;

    public LaunchRequestValidator(LaunchLimits limits) {
        this.limits = limits;
    }

    public DomainSpec validate(LaunchServerRequest r) throws InvalidFieldException {
        UUID id = serverId(r.getServerId());
        String name = name(r.getName());
        if (r.getVcpus() < 1 || r.getVcpus() > limits.maxVcpus()) {
            throw new InvalidFieldException("vcpus", "must be 1–" + limits.maxVcpus() + ", got " + r.getVcpus());
        }
        // uint64 arrives as a signed long: a huge value is negative here
        long memoryMib = r.getMemoryMib();
        if (memoryMib < LaunchLimits.MIN_MEMORY_MIB || memoryMib > limits.maxMemoryMib()) {
            throw new InvalidFieldException("memory_mib", "must be " + LaunchLimits.MIN_MEMORY_MIB + "–"
                    + limits.maxMemoryMib() + " MiB, got " + Long.toUnsignedString(memoryMib));
        }
        String image = r.getImage();
        long diskGib = r.getDiskGib();
        if (image.isEmpty()) {
            if (diskGib != 0) {
                throw new InvalidFieldException("disk_gib", "must be 0 for a diskless server (image is empty), got "
                        + Long.toUnsignedString(diskGib));
            }
        } else {
            if (!IMAGE.matcher(image).matches()) {
                throw new InvalidFieldException("image", "must be a file name inside the image directory "
                        + "(letters, digits, . _ + -, no '/', not starting with '.'), up to 255 characters");
            }
            if (diskGib < 1 || diskGib > limits.maxDiskGib()) {
                throw new InvalidFieldException("disk_gib", "must be 1–" + limits.maxDiskGib()
                        + " GiB when an image is given, got " + Long.toUnsignedString(diskGib));
            }
        }
        String groupId = r.getGroupId();
        if (!groupId.isEmpty() && !GROUP_ID.matcher(groupId).matches()) {
            throw new InvalidFieldException("group_id", "must be empty or 1–255 of A–Z a–z 0–9 . _ : -");
        }
        String network = r.getNetwork();
        if (!network.isEmpty() && !NETWORK.matcher(network).matches()) {
            throw new InvalidFieldException("network", "must be empty or a libvirt network name "
                    + "(1–64 of A–Z a–z 0–9 . _ -)");
        }
        return new DomainSpec(id, name, r.getVcpus(), memoryMib, diskGib, image, groupId, network);
    }

    public static UUID serverId(String text) throws InvalidFieldException {
        if (text.length() != 36 || !UUID_TEXT.matcher(text).matches()) {
            throw new InvalidFieldException("server_id", "must be a UUID like 123e4567-e89b-12d3-a456-426614174000"
                    + (text.length() <= 64 ? ", got '" + text + "'" : " (got " + text.length() + " characters)"));
        }
        return UUID.fromString(text.toLowerCase(Locale.ROOT));
    }

    /** 1–255 printable characters; XML metacharacters are fine (the XML API escapes them). */
    static String name(String name) throws InvalidFieldException {
        if (name.isEmpty()) {
            throw new InvalidFieldException("name", "must not be empty");
        }
        // check the cheap bound first so a megabyte of text is refused without scanning it
        if (name.length() > 2 * LaunchLimits.MAX_NAME_CHARS
                || name.codePointCount(0, name.length()) > LaunchLimits.MAX_NAME_CHARS) {
            throw new InvalidFieldException("name", "must be at most " + LaunchLimits.MAX_NAME_CHARS
                    + " characters, got " + name.codePointCount(0, Math.min(name.length(), 100_000))
                    + (name.length() > 100_000 ? "+" : ""));
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!printable(cp)) {
                throw new InvalidFieldException("name", String.format(
                        "must be printable characters; U+%04X at position %d is not", cp, i));
            }
            i += Character.charCount(cp);
        }
        return name;
    }

    private static boolean printable(int cp) {
        if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.FORMAT
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }
}
