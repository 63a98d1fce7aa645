package io.herd.controller.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Weighing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the YAML file into dotted keys, lays command-line overrides over them, and builds a
 * validated {@link ControllerConfig}. An unknown key or a bad value stops the start with a
 * message naming the key.
 */
public final class ConfigLoader {

    /** Every key, with its default. */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("listen", "127.0.0.1:7700");
        DEFAULTS.put("store.path", "/var/lib/herd/controller.db");
        DEFAULTS.put("heartbeat_interval_ms", "5000");
        DEFAULTS.put("quotas.max_groups", "0");
        DEFAULTS.put("quotas.max_members_per_group", "0");
        DEFAULTS.put("launch.parallelism", "32");
        DEFAULTS.put("launch.retries", "2");
        DEFAULTS.put("launch.timeout_ms", "60000");
        DEFAULTS.put("launch.per_host_parallelism", "4");
        DEFAULTS.put("delete.timeout_ms", "60000");
        DEFAULTS.put("evacuation.grace_period_ms", "60000");
        DEFAULTS.put("evacuation.default_on_host_failure", "none");
        DEFAULTS.put("placement.weighing", "spread");
        DEFAULTS.put("tls.cert_file", "");
        DEFAULTS.put("tls.key_file", "");
        DEFAULTS.put("tls.ca_file", "");
        DEFAULTS.put("insecure", "false");
    }

    private ConfigLoader() {
    }

    /**
     * @param file      YAML file, or null for defaults only
     * @param overrides dotted keys from the command line, applied over the file
     */
    public static ControllerConfig load(Path file, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            values.putAll(readYaml(file));
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!DEFAULTS.containsKey(e.getKey())) {
                throw new ConfigException(e.getKey() + ": unknown key");
            }
            values.put(e.getKey(), e.getValue());
        }
        return build(values);
    }

    static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + ": must be a YAML mapping of keys to values");
        }
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                flatten(key + ".", v, out);
            } else if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException(key + ": unknown key (known keys: " + String.join(", ", DEFAULTS.keySet())
                        + ")");
            } else if (v.isArray()) {
                throw new ConfigException(key + ": must be a single value, not a list");
            } else {
                out.put(key, v.isNull() ? "" : v.asText());
            }
        }
    }

    static ControllerConfig build(Map<String, String> v) {
        String listen = v.get("listen").trim();
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("listen: must be host:port, e.g. 127.0.0.1:7700, was '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = (int) number(v, "listen", listen.substring(colon + 1), 0, 65_535);
        String store = v.get("store.path").trim();
        if (store.isEmpty()) {
            throw new ConfigException("store.path: required, the SQLite database file");
        }
        Duration heartbeat = Duration.ofMillis(number(v, "heartbeat_interval_ms", null, 10, 3_600_000));
        int maxGroups = (int) number(v, "quotas.max_groups", null, 0, Integer.MAX_VALUE);
        int maxMembers = (int) number(v, "quotas.max_members_per_group", null, 0, Integer.MAX_VALUE);
        int parallelism = (int) number(v, "launch.parallelism", null, 1, 1024);
        int retries = (int) number(v, "launch.retries", null, 0, 100);
        Duration launchTimeout = Duration.ofMillis(number(v, "launch.timeout_ms", null, 100, 86_400_000));
        int perHost = (int) number(v, "launch.per_host_parallelism", null, 1, 1024);
        Duration deleteTimeout = Duration.ofMillis(number(v, "delete.timeout_ms", null, 100, 86_400_000));
        Duration grace = Duration.ofMillis(number(v, "evacuation.grace_period_ms", null, 0, 86_400_000));
        HostFailurePolicy onHostFailure = switch (v.get("evacuation.default_on_host_failure").trim()
                .toLowerCase(Locale.ROOT)) {
            case "none" -> HostFailurePolicy.NONE;
            case "evacuate" -> HostFailurePolicy.EVACUATE;
            default -> throw new ConfigException("evacuation.default_on_host_failure: must be none or evacuate, was '"
                    + v.get("evacuation.default_on_host_failure") + "'");
        };
        Weighing weighing = switch (v.get("placement.weighing").trim().toLowerCase(Locale.ROOT)) {
            case "spread" -> Weighing.SPREAD;
            case "pack" -> Weighing.PACK;
            default -> throw new ConfigException("placement.weighing: must be spread or pack, was '"
                    + v.get("placement.weighing") + "'");
        };
        Path cert = file(v, "tls.cert_file");
        Path key = file(v, "tls.key_file");
        Path ca = file(v, "tls.ca_file");
        int tlsSet = (cert == null ? 0 : 1) + (key == null ? 0 : 1) + (ca == null ? 0 : 1);
        if (tlsSet != 0 && tlsSet != 3) {
            throw new ConfigException((cert == null ? "tls.cert_file" : key == null ? "tls.key_file" : "tls.ca_file")
                    + ": required with the other tls.* keys (set all three, or none for plaintext)");
        }
        boolean insecure = switch (v.get("insecure").trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no", "" -> false;
            default -> throw new ConfigException("insecure: must be true or false, was '" + v.get("insecure") + "'");
        };
        ControllerConfig config = new ControllerConfig(host, port, Path.of(store), heartbeat, maxGroups, maxMembers,
                parallelism, retries, launchTimeout, weighing, cert, key, ca, insecure, perHost, deleteTimeout, grace,
                onHostFailure);
        if (!config.tls() && !config.insecure() && !config.listensOnLoopback()) {
            throw new ConfigException("listen: " + listen + " is not a loopback address; set tls.cert_file, "
                    + "tls.key_file and tls.ca_file, or pass --insecure to serve plaintext on it");
        }
        return config;
    }

    private static long number(Map<String, String> v, String key, String raw, long min, long max) {
        String text = (raw == null ? v.get(key) : raw).trim();
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": must be a whole number, was '" + text + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(key + ": must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    private static Path file(Map<String, String> v, String key) {
        String text = v.get(key).trim();
        if (text.isEmpty()) {
            return null;
        }
        Path p = Path.of(text);
        if (!Files.isReadable(p)) {
            throw new ConfigException(key + ": cannot read " + p);
        }
        return p;
    }
}
