package io.herd.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed access to a loaded configuration; every refusal names the key and what it must be. */
public final class ConfigValues {

    /** The shortest heartbeat interval either program accepts, milliseconds. */
    public static final long MIN_HEARTBEAT_INTERVAL_MS = 100;
    /** The longest, milliseconds (an hour). */
    public static final long MAX_HEARTBEAT_INTERVAL_MS = 3_600_000;

    private final Map<String, String> values;

    ConfigValues(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The value as written, trimmed ("" when unset). */
    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no such configuration key: " + key);
        }
        return v.trim();
    }

    public String nonEmpty(String key) {
        String s = string(key);
        if (s.isEmpty()) {
            throw new ConfigException(key, "must not be empty");
        }
        return s;
    }

    public long range(String key, long min, long max) {
        String s = string(key);
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a whole number, was '" + s + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    public int intRange(String key, int min, int max) {
        return (int) range(key, min, max);
    }

    /** A heartbeat interval in milliseconds, within the bounds both programs share. */
    public long heartbeatIntervalMs(String key) {
        return range(key, MIN_HEARTBEAT_INTERVAL_MS, MAX_HEARTBEAT_INTERVAL_MS);
    }

    /** A number greater than 0 and at most max. */
    public double positive(String key, double max) {
        String s = string(key);
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a number, was '" + s + "'");
        }
        if (!(d > 0 && d <= max)) {
            throw new ConfigException(key, "must be greater than 0 and at most " + max + ", was " + s);
        }
        return d;
    }

    public boolean bool(String key) {
        String s = string(key).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes" -> true;
            case "false", "no", "" -> false;
            default -> throw new ConfigException(key, "must be true or false, was '" + string(key) + "'");
        };
    }

    /** One of the given words (lower case), case-insensitively. */
    public String choice(String key, String... words) {
        String s = string(key).toLowerCase(Locale.ROOT);
        for (String w : words) {
            if (w.equals(s)) {
                return w;
            }
        }
        throw new ConfigException(key, "must be one of " + String.join(", ", words) + ", was '" + string(key) + "'");
    }

    /** {@code host:port} (port 1–65535), or "" when unset. */
    public String hostPortOrEmpty(String key) {
        String s = string(key);
        if (s.isEmpty()) {
            return s;
        }
        HostPort.parse(key, s, 1);
        return s;
    }

    /**
     * {@code host:port} addresses separated by commas (or a YAML list of them), in order and
     * without repeats; empty when unset.
     */
    public List<String> hostPortList(String key) {
        String s = string(key);
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String item : s.split(",", -1)) {
            String address = item.trim();
            if (address.isEmpty()) {
                throw new ConfigException(key, "an empty address in '" + s + "' (write host:port,host:port)");
            }
            HostPort.parse(key, address, 1);
            if (out.contains(address)) {
                throw new ConfigException(key, address + " is given twice in '" + s + "'");
            }
            out.add(address);
        }
        return List.copyOf(out);
    }

    /** {@code host:port}, port 0 allowed (any free port). */
    public HostPort listenAddress(String key) {
        return HostPort.parse(key, nonEmpty(key), 0);
    }

    /** An absolute, normalised path; required. */
    public Path path(String key) {
        return Path.of(nonEmpty(key)).toAbsolutePath().normalize();
    }

    /** A readable regular file, or null when unset. */
    public Path readableFileOrNull(String key) {
        String s = string(key);
        if (s.isEmpty()) {
            return null;
        }
        Path p = Path.of(s);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ConfigException(key, "cannot read file " + p);
        }
        return p;
    }
}
