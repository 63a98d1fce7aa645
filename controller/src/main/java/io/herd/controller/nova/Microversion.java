package io.herd.controller.nova;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compute API microversion, and how a request asks for one: the header
 * {@code OpenStack-API-Version: compute X.Y} first, else {@code X-OpenStack-Nova-API-Version:
 * X.Y}, either of which may say {@code latest}; neither means 2.1. A version outside
 * {@link #MIN}–{@link #MAX} is refused with 406, a malformed one with 400, as Nova does
 * (nova/api/openstack/api_version_request.py and microversion-parse).
 */
record Microversion(int major, int minor) implements Comparable<Microversion> {

    static final String HEADER = "OpenStack-API-Version";
    static final String LEGACY_HEADER = "X-OpenStack-Nova-API-Version";
    static final Microversion MIN = new Microversion(2, 1);
    /** 2.64: server groups take {@code policy} and {@code rules}. */
    static final Microversion MAX = new Microversion(2, 64);
    static final Microversion DEFAULT = MIN;

    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,5})\\.([1-9][0-9]{0,5}|0)");
    private static final String SERVICE = "compute";

    /**
     * The version a request asks for.
     *
     * @param standard the values of {@value #HEADER} (one or more lines)
     * @param legacy   the values of {@value #LEGACY_HEADER}
     */
    static Microversion negotiate(List<String> standard, List<String> legacy) {
        String asked = null;
        for (String line : standard) {
            for (String item : line.split(",")) {
                String[] parts = item.strip().split("\\s+", 2);
                if (parts.length != 2) {
                    throw NovaError.badRequest("Invalid " + HEADER + " header '" + line.strip()
                            + "': expected 'compute X.Y'");
                }
                if (parts[0].toLowerCase(Locale.ROOT).equals(SERVICE)) {
                    asked = parts[1].strip();
                }
            }
        }
        if (asked == null && !legacy.isEmpty()) {
            asked = legacy.get(legacy.size() - 1).strip();
        }
        if (asked == null) {
            return DEFAULT;
        }
        if (asked.toLowerCase(Locale.ROOT).equals("latest")) {
            return MAX;
        }
        Microversion v = parse(asked);
        if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
            throw new NovaError(406, "Version " + v + " is not supported by the API. Minimum is " + MIN
                    + " and maximum is " + MAX + ".");
        }
        return v;
    }

    static Microversion parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw NovaError.badRequest("API Version String " + text + " is of invalid format. Must be of format "
                    + "MajorNum.MinorNum.");
        }
        return new Microversion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    boolean atLeast(int major, int minor) {
        return compareTo(new Microversion(major, minor)) >= 0;
    }

    @Override
    public int compareTo(Microversion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
