package io.herd.controller;

import io.herd.runtime.config.ConfigException;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar herd-controller.jar [--config FILE] [overrides]}. */
@Command(name = "herd-controller", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "herd's controller: server groups, placement and launches across herd-agents (gRPC).")
public final class Main implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see docs/controller.md).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "gRPC listen address [listen], "
            + "default 127.0.0.1:7700; port 0 picks a free one.")
    String listen;

    @Option(names = "--store-path", paramLabel = "FILE", description = "SQLite database [store.path], "
            + "default /var/lib/herd/controller.db.")
    String storePath;

    @Option(names = "--store-url", paramLabel = "URL", description = "[store.url] postgresql://[user@]host[:port]/db "
            + "to keep state in PostgreSQL instead of SQLite; the password comes from store.password_file or "
            + "HERD_STORE_PASSWORD, never from the command line.")
    String storeUrl;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "[store.password_file] file holding the PostgreSQL password.")
    String storePasswordFile;

    @Option(names = "--advertise-address", paramLabel = "HOST:PORT", description = "[ha.advertise_address] where "
            + "clients and agents reach this controller, which standbys name to them; default the listen address.")
    String advertiseAddress;

    @Option(names = "--nova-api-listen", paramLabel = "HOST:PORT", description = "[nova_api.listen] serve the "
            + "OpenStack compute API over HTTP there (docs/nova-api.md); default off.")
    String novaApiListen;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "[metrics.listen] serve Prometheus "
            + "metrics at http://HOST:PORT/metrics (docs/metrics.md); default off.")
    String metricsListen;

    @Option(names = "--heartbeat-interval-ms", paramLabel = "MS", description = "[heartbeat_interval_ms], default 5000.")
    String heartbeatIntervalMs;

    @Option(names = "--max-groups", paramLabel = "N", description = "[quotas.max_groups], 0 = no limit.")
    String maxGroups;

    @Option(names = "--max-members-per-group", paramLabel = "N",
            description = "[quotas.max_members_per_group], 0 = no limit.")
    String maxMembersPerGroup;

    @Option(names = "--launch-parallelism", paramLabel = "N", description = "[launch.parallelism], default 32.")
    String launchParallelism;

    @Option(names = "--launch-retries", paramLabel = "N", description = "[launch.retries], default 2.")
    String launchRetries;

    @Option(names = "--launch-timeout-ms", paramLabel = "MS", description = "[launch.timeout_ms], default 60000.")
    String launchTimeoutMs;

    @Option(names = "--weighing", paramLabel = "spread|pack", description = "[placement.weighing], default spread.")
    String weighing;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "[tls.cert_file] PEM certificate.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "[tls.key_file] PEM private key (PKCS#8).")
    String tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "[tls.ca_file] PEM CA for agents and clients.")
    String tlsCa;

    @Option(names = "--tokens-file", paramLabel = "FILE", description = "[auth.tokens_file] bearer tokens of API "
            + "clients, lines of NAME ROLE sha256:HEX (docs/security.md).")
    String tokensFile;

    @Option(names = "--insecure", description = "[insecure] allow plaintext on a non-loopback listen address.")
    boolean insecure;

    @Option(names = "--grace-period-ms", paramLabel = "MS", description = "[evacuation.grace_period_ms] how long a "
            + "host is DOWN before its EVACUATE groups' members move, default 60000.")
    String gracePeriodMs;

    @Option(names = "--default-on-host-failure", paramLabel = "none|evacuate",
            description = "[evacuation.default_on_host_failure] for groups created without a choice, default none.")
    String defaultOnHostFailure;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any configuration key, e.g. --set "
            + "launch.per_host_parallelism=8 (flags above win).")
    Map<String, String> set = new LinkedHashMap<>();

    public static void main(String[] args) {
        // an Error in any thread stops the program (exit 70) for systemd to start it afresh
        Thread.setDefaultUncaughtExceptionHandler(io.herd.common.BackgroundWork.uncaughtHandler());
        io.herd.runtime.Logging.bridgeJavaUtilLogging();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>(set);
        put(overrides, "listen", listen);
        put(overrides, "store.path", storePath);
        put(overrides, "store.url", storeUrl);
        put(overrides, "store.password_file", storePasswordFile);
        put(overrides, "ha.advertise_address", advertiseAddress);
        put(overrides, "nova_api.listen", novaApiListen);
        put(overrides, "metrics.listen", metricsListen);
        put(overrides, "heartbeat_interval_ms", heartbeatIntervalMs);
        put(overrides, "quotas.max_groups", maxGroups);
        put(overrides, "quotas.max_members_per_group", maxMembersPerGroup);
        put(overrides, "launch.parallelism", launchParallelism);
        put(overrides, "launch.retries", launchRetries);
        put(overrides, "launch.timeout_ms", launchTimeoutMs);
        put(overrides, "placement.weighing", weighing);
        put(overrides, "tls.cert_file", tlsCert);
        put(overrides, "tls.key_file", tlsKey);
        put(overrides, "tls.ca_file", tlsCa);
        put(overrides, "auth.tokens_file", tokensFile);
        put(overrides, "evacuation.grace_period_ms", gracePeriodMs);
        put(overrides, "evacuation.default_on_host_failure", defaultOnHostFailure);
        if (insecure) {
            overrides.put("insecure", "true");
        }
        ControllerConfig cfg;
        try {
            cfg = ConfigLoader.load(config, overrides);
        } catch (ConfigException e) {
            System.err.println("herd-controller: bad configuration: " + e.getMessage());
            return 2;
        }
        ControllerServer server;
        try {
            server = ControllerServer.start(cfg, Clock.systemUTC());
        } catch (StoreException e) {
            System.err.println("herd-controller: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        // the first line on stdout says where it listens: scripts and tests read it
        System.out.println("herd-controller listening on " + cfg.listenHost() + ":" + server.port());
        System.out.flush();
        server.awaitTermination();
        return 0;
    }

    private static void put(Map<String, String> overrides, String key, String value) {
        if (value != null) {
            overrides.put(key, value);
        }
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/herd-controller-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"herd-controller " + p.getProperty("version", "unknown")};
        }
    }
}
