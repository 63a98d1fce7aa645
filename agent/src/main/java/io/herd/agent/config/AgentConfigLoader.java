package io.herd.agent.config;

import io.herd.runtime.config.ConfigException;
import io.herd.runtime.config.ConfigFile;
import io.herd.runtime.config.ConfigValues;
import io.herd.runtime.metrics.MetricsEndpoint;
import io.herd.runtime.tls.TlsFiles;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@link AgentConfig} from YAML plus overrides (herd-runtime's {@link ConfigFile}):
 * nested YAML maps become dotted keys ({@code labels.rack}, {@code tls.cert_file}); overrides
 * use the same keys. Unknown keys, wrong types and out-of-range values are refused with a
 * {@link ConfigException} naming the key.
 */
public final class AgentConfigLoader {

    /**
     * The longest Unix socket path, bytes: the kernel's 108 less the terminating NUL. The
     * controller accepts no longer path in a {@code unix://} agent address.
     */
    static final int MAX_SOCKET_PATH = 107;

    /** Every key with its default, as YAML would give it. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("libvirt_uri", "qemu:///system");
        DEFAULTS.put("listen_address", "127.0.0.1");
        DEFAULTS.put("port", "7701");
        DEFAULTS.put("insecure", "false");
        DEFAULTS.put("socket_path", "");
        DEFAULTS.put("advertise_address", "");
        DEFAULTS.put("controller_address", "");
        DEFAULTS.put("host_name", "");
        DEFAULTS.put("labels.rack", "");
        DEFAULTS.put("labels.zone", "");
        DEFAULTS.put("reserved_cpus", "0");
        DEFAULTS.put("reserved_memory_mib", "512");
        DEFAULTS.put("reserved_disk_gib", "0");
        DEFAULTS.put("cpu_allocation_ratio", "4.0");
        DEFAULTS.put("ram_allocation_ratio", "1.0");
        DEFAULTS.put("image_dir", "/var/lib/herd/images");
        DEFAULTS.put("image_pool", "herd-images");
        DEFAULTS.put("state_dir", "/var/lib/herd/agent");
        DEFAULTS.put("heartbeat_interval_ms", "5000");
        DEFAULTS.put("controller_timeout_ms", "5000");
        DEFAULTS.put("heartbeat_max_backoff_ms", "60000");
        DEFAULTS.put("libvirt_reconnect_max_ms", "30000");
        DEFAULTS.put("max_message_bytes", Integer.toString(4 * 1024 * 1024));
        DEFAULTS.put("max_server_vcpus", "256");
        DEFAULTS.put("max_server_memory_mib", Long.toString(4L * 1024 * 1024));
        DEFAULTS.put("max_server_disk_gib", Long.toString(64L * 1024));
        DEFAULTS.put("tls.cert_file", "");
        DEFAULTS.put("tls.key_file", "");
        DEFAULTS.put("tls.ca_file", "");
        DEFAULTS.put(MetricsEndpoint.KEY, "");
    }

    private AgentConfigLoader() {}

    /** The keys the agent understands. */
    public static Set<String> keys() {
        return new TreeSet<>(DEFAULTS.keySet());
    }

    /** Loads the file (absent: defaults only) and applies overrides. */
    public static AgentConfig load(Optional<Path> file, Map<String, String> overrides) {
        return validate(ConfigFile.load(DEFAULTS, Set.of("controller_address"), file.orElse(null), overrides));
    }

    private static AgentConfig validate(ConfigValues v) {
        String uri = v.nonEmpty("libvirt_uri");
        if (!uri.contains(":")) {
            throw new ConfigException("libvirt_uri", "not a libvirt URI: '" + uri + "' (e.g. qemu:///system)");
        }
        String listen = v.nonEmpty("listen_address");
        int port = v.intRange("port", 0, 65535);
        boolean insecure = v.bool("insecure");
        Optional<TlsFiles> tls = TlsFiles.from(v);
        Path stateDir = v.path("state_dir");
        Path socket = socketPath(v, stateDir, tls.isEmpty() && !insecure);
        String advertise = advertiseAddress(v);
        List<String> controllers = v.hostPortList("controller_address");
        String hostName = v.string("host_name");
        if (hostName.isEmpty()) {
            hostName = machineHostName();
        }
        long interval = v.heartbeatIntervalMs("heartbeat_interval_ms");
        long maxBackoff = v.range("heartbeat_max_backoff_ms", 100, 3_600_000);
        if (maxBackoff < interval) {
            throw new ConfigException("heartbeat_max_backoff_ms", "must be at least heartbeat_interval_ms ("
                    + interval + "), was " + maxBackoff);
        }
        return new AgentConfig(uri, listen, port, insecure, socket, advertise, controllers, hostName,
                label(v, "labels.rack"), label(v, "labels.zone"),
                v.intRange("reserved_cpus", 0, 4096),
                v.range("reserved_memory_mib", 0, 1L << 32),
                v.range("reserved_disk_gib", 0, 1L << 32),
                v.positive("cpu_allocation_ratio", 1000),
                v.positive("ram_allocation_ratio", 1000),
                v.path("image_dir"),
                poolName(v, "image_pool"),
                stateDir,
                interval,
                v.range("controller_timeout_ms", 100, 600_000),
                maxBackoff,
                v.range("libvirt_reconnect_max_ms", 100, 3_600_000),
                v.intRange("max_message_bytes", 64 * 1024, 256 * 1024 * 1024),
                v.intRange("max_server_vcpus", 1, 4096),
                v.range("max_server_memory_mib", 16, 1L << 32),
                v.range("max_server_disk_gib", 1, 1L << 32),
                tls,
                MetricsEndpoint.listenAddress(v));
    }

    /**
     * socket_path, else {@code <state_dir>/agent.sock}; checked only when the agent serves
     * on it, against what the kernel and the controller accept.
     */
    private static Path socketPath(ConfigValues v, Path stateDir, boolean used) {
        String s = v.string("socket_path");
        Path path = s.isEmpty() ? stateDir.resolve("agent.sock") : Path.of(s).toAbsolutePath().normalize();
        if (used) {
            String problem = socketPathProblem(path.toString());
            if (problem != null) {
                throw new ConfigException("socket_path", path + (s.isEmpty() ? " (<state_dir>/agent.sock)" : "")
                        + " " + problem + "; set socket_path to another path");
            }
        }
        return path;
    }

    /** What is wrong with a socket path as the controller would dial it, or null. */
    private static String socketPathProblem(String path) {
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            return "is longer than the " + MAX_SOCKET_PATH + " bytes a Unix socket path may have";
        }
        if (!path.matches("/[A-Za-z0-9._/+@-]+") || path.contains("//") || path.contains("/../")
                || path.endsWith("/..")) {
            return "must be an absolute path of A–Z a–z 0–9 . _ / + @ - only (what the controller accepts in a "
                    + "unix:// agent address)";
        }
        return null;
    }

    /** {@code host:port}, {@code unix:///absolute/path}, or "" (listen address or socket). */
    private static String advertiseAddress(ConfigValues v) {
        String s = v.string("advertise_address");
        if (!s.startsWith("unix:")) {
            return v.hostPortOrEmpty("advertise_address");
        }
        String problem = s.startsWith("unix:///") ? socketPathProblem(s.substring("unix://".length())) : "";
        if (problem != null) {
            throw new ConfigException("advertise_address", "must be host:port or unix:///absolute/path"
                    + (problem.isEmpty() ? "" : "; the path " + problem) + ", was '" + s + "'");
        }
        return s;
    }

    private static String label(ConfigValues v, String key) {
        String s = v.string(key);
        if (s.length() > 255 || !s.chars().allMatch(c -> c >= 0x21 && c < 0x7f)) {
            throw new ConfigException(key, "labels are up to 255 printable ASCII characters without spaces, was '"
                    + s + "'");
        }
        return s;
    }

    private static String poolName(ConfigValues v, String key) {
        String s = v.nonEmpty(key);
        if (!s.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ConfigException(key, "use 1–64 of A–Z a–z 0–9 _ . -, was '" + s + "'");
        }
        return s;
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isEmpty() ? "localhost" : env;
        }
    }
}
