package io.herd.controller.config;

import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Weighing;
import io.herd.runtime.config.ConfigException;
import io.herd.runtime.config.ConfigFile;
import io.herd.runtime.config.ConfigValues;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.metrics.MetricsEndpoint;
import io.herd.runtime.tls.TlsFiles;
import io.herd.controller.store.PostgresTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * herd-controller's keys and their defaults, read through {@link ConfigFile} (YAML, then
 * command-line overrides) into a validated {@link ControllerConfig}. An unknown key or a bad
 * value stops the start with a message naming the key.
 */
public final class ConfigLoader {

    /** The environment variable the PostgreSQL password is read from when store.password_file is empty. */
    public static final String PASSWORD_ENV = "HERD_STORE_PASSWORD";

    /** Every key, with its default. */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("listen", "127.0.0.1:7700");
        DEFAULTS.put("store.path", "/var/lib/herd/controller.db");
        DEFAULTS.put("store.url", "");
        DEFAULTS.put("store.password_file", "");
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
        DEFAULTS.put("auth.tokens_file", "");
        DEFAULTS.put("hosts.require_approval", "false");
        DEFAULTS.put("limits.max_message_bytes", Integer.toString(4 * 1024 * 1024));
        DEFAULTS.put("limits.max_hosts", "100000");
        DEFAULTS.put("limits.max_domains_per_heartbeat", "10000");
        DEFAULTS.put("limits.heartbeats_per_second", "20");
        DEFAULTS.put("ha.lease_ms", "2000");
        DEFAULTS.put("ha.advertise_address", "");
        DEFAULTS.put("nova_api.listen", "");
        DEFAULTS.put(MetricsEndpoint.KEY, "");
    }

    private ConfigLoader() {
    }

    /**
     * @param file      YAML file, or null for defaults only
     * @param overrides dotted keys from the command line, applied over the file
     */
    public static ControllerConfig load(Path file, Map<String, String> overrides) {
        return load(file, overrides, System.getenv());
    }

    /** As {@link #load(Path, Map)}, with the environment given ({@value #PASSWORD_ENV}). */
    public static ControllerConfig load(Path file, Map<String, String> overrides, Map<String, String> env) {
        return build(ConfigFile.load(DEFAULTS, file, overrides), env);
    }

    /** The file's own keys (for checking a shipped file against the defaults). */
    static Map<String, String> readYaml(Path file) {
        return ConfigFile.read(file, DEFAULTS);
    }

    private static ControllerConfig build(ConfigValues v, Map<String, String> env) {
        HostPort listen = v.listenAddress("listen");
        Path store = v.path("store.path");
        Optional<PostgresTarget> storeUrl = postgres(v, env);
        Duration heartbeat = Duration.ofMillis(v.heartbeatIntervalMs("heartbeat_interval_ms"));
        int maxGroups = v.intRange("quotas.max_groups", 0, Integer.MAX_VALUE);
        int maxMembers = v.intRange("quotas.max_members_per_group", 0, Integer.MAX_VALUE);
        int parallelism = v.intRange("launch.parallelism", 1, 1024);
        int retries = v.intRange("launch.retries", 0, 100);
        Duration launchTimeout = Duration.ofMillis(v.range("launch.timeout_ms", 100, 86_400_000));
        int perHost = v.intRange("launch.per_host_parallelism", 1, 1024);
        Duration deleteTimeout = Duration.ofMillis(v.range("delete.timeout_ms", 100, 86_400_000));
        Duration grace = Duration.ofMillis(v.range("evacuation.grace_period_ms", 0, 86_400_000));
        HostFailurePolicy onHostFailure = v.choice("evacuation.default_on_host_failure", "none", "evacuate")
                .equals("none") ? HostFailurePolicy.NONE : HostFailurePolicy.EVACUATE;
        Weighing weighing = v.choice("placement.weighing", "spread", "pack").equals("spread")
                ? Weighing.SPREAD : Weighing.PACK;
        ControllerConfig.Limits limits = new ControllerConfig.Limits(
                v.intRange("limits.max_message_bytes", 64 * 1024, 256 * 1024 * 1024),
                v.intRange("limits.max_hosts", 1, 10_000_000),
                v.intRange("limits.max_domains_per_heartbeat", 1, 1_000_000),
                v.intRange("limits.heartbeats_per_second", 1, 10_000));
        ControllerConfig config = new ControllerConfig(listen.host(), listen.port(), store, storeUrl, heartbeat,
                maxGroups,
                maxMembers, parallelism, retries, launchTimeout, weighing, TlsFiles.from(v), v.bool("insecure"),
                perHost, deleteTimeout, grace, onHostFailure, v.readableFileOrNull("auth.tokens_file"),
                v.bool("hosts.require_approval"), limits,
                new ControllerConfig.Ha(Duration.ofMillis(v.range("ha.lease_ms", 500, 60_000)),
                        v.hostPortOrEmpty("ha.advertise_address")), novaApiListen(v),
                MetricsEndpoint.listenAddress(v));
        if (config.tls().isEmpty() && !config.insecure() && !config.listensOnLoopback()) {
            throw new ConfigException("listen", listen + " is not a loopback address; set tls.cert_file, "
                    + "tls.key_file and tls.ca_file, or pass --insecure to serve plaintext on it");
        }
        checkNovaApi(config);
        return config;
    }

    private static Optional<HostPort> novaApiListen(ConfigValues v) {
        String s = v.string("nova_api.listen");
        return s.isEmpty() ? Optional.empty() : Optional.of(HostPort.parse("nova_api.listen", s, 0));
    }

    /**
     * The compute API beyond loopback needs credentials (auth.tokens_file, or tls.* for client
     * certificates), and, when plain HTTP carries those tokens in the clear, --insecure.
     */
    private static void checkNovaApi(ControllerConfig config) {
        if (config.novaApiOnLoopback()) {
            return;
        }
        HostPort at = config.novaApiListen().orElseThrow();
        if (config.tls().isPresent()) {
            return;
        }
        if (config.tokensFile() == null) {
            throw new ConfigException("nova_api.listen", at + " is not a loopback address, and without "
                    + "auth.tokens_file or tls.* the compute API asks nobody for credentials; set tls.* (HTTPS, "
                    + "client certificates or tokens) or auth.tokens_file (clients then send X-Auth-Token), or "
                    + "listen on 127.0.0.1");
        }
        if (!config.insecure()) {
            throw new ConfigException("nova_api.listen", at + " is not a loopback address, and without tls.* the "
                    + "compute API is plain HTTP (its tokens travel in the clear); set tls.* to serve HTTPS, or pass "
                    + "--insecure to serve it there anyway");
        }
    }

    /**
     * The PostgreSQL store when store.url is set. Its password comes from store.password_file
     * (trailing line breaks dropped) or else the environment: never from the URL or a flag, which
     * other users of the machine can read in the process list.
     */
    private static Optional<PostgresTarget> postgres(ConfigValues v, Map<String, String> env) {
        String url = v.string("store.url");
        Path passwordFile = v.readableFileOrNull("store.password_file");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String password;
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile).replaceAll("[\\r\\n]+$", "");
            } catch (IOException e) {
                throw new ConfigException("store.password_file", "cannot read file " + passwordFile + ": "
                        + e.getMessage());
            }
        } else {
            password = env.getOrDefault(PASSWORD_ENV, "");
        }
        try {
            return Optional.of(PostgresTarget.parse(url, password));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store.url", e.getMessage());
        }
    }
}
