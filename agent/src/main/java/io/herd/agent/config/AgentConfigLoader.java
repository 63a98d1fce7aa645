package io.herd.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@link AgentConfig} from YAML plus overrides. Nested YAML maps become dotted keys
 * ({@code labels.rack}, {@code tls.cert_file}); overrides use the same keys. Unknown keys,
 * wrong types and out-of-range values are refused with the key named.
 */
public final class AgentConfigLoader {

    /** Every key with its default (as YAML would give it). */
    private static final Map<String, Object> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("libvirt_uri", "qemu:///system");
        DEFAULTS.put("listen_address", "127.0.0.1");
        DEFAULTS.put("port", 7701);
        DEFAULTS.put("insecure", false);
        DEFAULTS.put("advertise_address", "");
        DEFAULTS.put("controller_address", "");
        DEFAULTS.put("host_name", "");
        DEFAULTS.put("labels.rack", "");
        DEFAULTS.put("labels.zone", "");
        DEFAULTS.put("reserved_cpus", 0);
        DEFAULTS.put("reserved_memory_mib", 512);
        DEFAULTS.put("reserved_disk_gib", 0);
        DEFAULTS.put("cpu_allocation_ratio", 4.0);
        DEFAULTS.put("ram_allocation_ratio", 1.0);
        DEFAULTS.put("image_dir", "/var/lib/herd/images");
        DEFAULTS.put("image_pool", "herd-images");
        DEFAULTS.put("state_dir", "/var/lib/herd/agent");
        DEFAULTS.put("heartbeat_interval_ms", 5000);
        DEFAULTS.put("controller_timeout_ms", 5000);
        DEFAULTS.put("heartbeat_max_backoff_ms", 60000);
        DEFAULTS.put("libvirt_reconnect_max_ms", 30000);
        DEFAULTS.put("max_message_bytes", 4 * 1024 * 1024);
        DEFAULTS.put("max_server_vcpus", 256);
        DEFAULTS.put("max_server_memory_mib", 4L * 1024 * 1024);
        DEFAULTS.put("max_server_disk_gib", 64L * 1024);
        DEFAULTS.put("tls.cert_file", "");
        DEFAULTS.put("tls.key_file", "");
        DEFAULTS.put("tls.ca_file", "");
    }

    private AgentConfigLoader() {}

    /** The keys the agent understands. */
    public static Set<String> keys() {
        return new TreeSet<>(DEFAULTS.keySet());
    }

    /** Loads the file (absent: defaults only) and applies overrides. */
    public static AgentConfig load(Optional<Path> file, Map<String, String> overrides) throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>(DEFAULTS);
        if (file.isPresent()) {
            Path path = file.get();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("--config", "no such file: " + path);
            }
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            } catch (IOException e) {
                throw new ConfigException("--config", "cannot read " + path + " as YAML: " + e.getMessage());
            }
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new ConfigException("(top level)", "expected a map of keys to values in " + path);
                }
                flatten("", root, values);
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!DEFAULTS.containsKey(o.getKey())) {
                throw new ConfigException(o.getKey(), "unknown key");
            }
            values.put(o.getKey(), o.getValue());
        }
        return validate(values);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> into) throws ConfigException {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, into);
                continue;
            }
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException(key, "unknown key (known keys: " + keys() + ")");
            }
            if (value.isArray()) {
                throw new ConfigException(key, "expected a single value, got a list");
            }
            into.put(key, value.isNull() ? "" : value.asText());
        }
    }

    private static AgentConfig validate(Map<String, Object> v) throws ConfigException {
        Reader r = new Reader(v);
        String uri = r.nonEmpty("libvirt_uri");
        if (!uri.contains(":")) {
            throw new ConfigException("libvirt_uri", "not a libvirt URI: '" + uri + "' (e.g. qemu:///system)");
        }
        String listen = r.nonEmpty("listen_address");
        int port = (int) r.range("port", 0, 65535);
        boolean insecure = r.bool("insecure");
        String advertise = r.hostPortOrEmpty("advertise_address");
        String controller = r.hostPortOrEmpty("controller_address");
        String hostName = r.string("host_name");
        if (hostName.isEmpty()) {
            hostName = machineHostName();
        }
        String tlsCert = r.string("tls.cert_file");
        String tlsKey = r.string("tls.key_file");
        String tlsCa = r.string("tls.ca_file");
        Optional<AgentConfig.Tls> tls = Optional.empty();
        if (!tlsCert.isEmpty() || !tlsKey.isEmpty() || !tlsCa.isEmpty()) {
            tls = Optional.of(new AgentConfig.Tls(
                    r.readableFile("tls.cert_file"), r.readableFile("tls.key_file"), r.readableFile("tls.ca_file")));
        }
        long interval = r.range("heartbeat_interval_ms", 100, 3_600_000);
        long maxBackoff = r.range("heartbeat_max_backoff_ms", 100, 3_600_000);
        if (maxBackoff < interval) {
            throw new ConfigException("heartbeat_max_backoff_ms", "must be ≥ heartbeat_interval_ms (" + interval + ")");
        }
        return new AgentConfig(uri, listen, port, insecure, advertise, controller, hostName,
                r.label("labels.rack"), r.label("labels.zone"),
                (int) r.range("reserved_cpus", 0, 4096),
                r.range("reserved_memory_mib", 0, 1L << 32),
                r.range("reserved_disk_gib", 0, 1L << 32),
                r.ratio("cpu_allocation_ratio"),
                r.ratio("ram_allocation_ratio"),
                r.path("image_dir"),
                r.poolName("image_pool"),
                r.path("state_dir"),
                interval,
                r.range("controller_timeout_ms", 100, 600_000),
                maxBackoff,
                r.range("libvirt_reconnect_max_ms", 100, 3_600_000),
                (int) r.range("max_message_bytes", 64 * 1024, 256L * 1024 * 1024),
                (int) r.range("max_server_vcpus", 1, 4096),
                r.range("max_server_memory_mib", 16, 1L << 32),
                r.range("max_server_disk_gib", 1, 1L << 32),
                tls);
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isEmpty() ? "localhost" : env;
        }
    }

    /** Typed access to the flattened values, naming the key on every refusal. */
    private static final class Reader {
        private final Map<String, Object> v;

        Reader(Map<String, Object> v) {
            this.v = v;
        }

        String string(String key) {
            return String.valueOf(v.get(key)).trim();
        }

        String nonEmpty(String key) throws ConfigException {
            String s = string(key);
            if (s.isEmpty()) {
                throw new ConfigException(key, "must not be empty");
            }
            return s;
        }

        long range(String key, long min, long max) throws ConfigException {
            String s = string(key);
            long value;
            try {
                value = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected a whole number, got '" + s + "'");
            }
            if (value < min || value > max) {
                throw new ConfigException(key, value + " is out of range " + min + "–" + max);
            }
            return value;
        }

        double ratio(String key) throws ConfigException {
            String s = string(key);
            double value;
            try {
                value = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected a number, got '" + s + "'");
            }
            if (!(value > 0 && value <= 1000)) {
                throw new ConfigException(key, value + " must be > 0 and ≤ 1000");
            }
            return value;
        }

        boolean bool(String key) throws ConfigException {
            String s = string(key);
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
            throw new ConfigException(key, "expected true or false, got '" + s + "'");
        }

        String hostPortOrEmpty(String key) throws ConfigException {
            String s = string(key);
            if (s.isEmpty()) {
                return s;
            }
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new ConfigException(key, "expected host:port, got '" + s + "'");
            }
            try {
                int p = Integer.parseInt(s.substring(colon + 1));
                if (p < 1 || p > 65535) {
                    throw new ConfigException(key, "port " + p + " is out of range 1–65535");
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "expected host:port, got '" + s + "'");
            }
            return s;
        }

        String label(String key) throws ConfigException {
            String s = string(key);
            if (s.length() > 255 || !s.chars().allMatch(c -> c >= 0x21 && c < 0x7f)) {
                throw new ConfigException(key, "labels are up to 255 printable ASCII characters without spaces");
            }
            return s;
        }

        String poolName(String key) throws ConfigException {
            String s = nonEmpty(key);
            if (!s.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new ConfigException(key, "use 1–64 of A–Z a–z 0–9 _ . -");
            }
            return s;
        }

        Path path(String key) throws ConfigException {
            String s = nonEmpty(key);
            return Path.of(s).toAbsolutePath().normalize();
        }

        Path readableFile(String key) throws ConfigException {
            String s = string(key);
            if (s.isEmpty()) {
                throw new ConfigException(key, "TLS needs all of tls.cert_file, tls.key_file and tls.ca_file");
            }
            Path p = Path.of(s);
            if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
                throw new ConfigException(key, "cannot read file " + p);
            }
            return p;
        }
    }
}
