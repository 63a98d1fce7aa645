package io.herd.agent.main;

import io.herd.agent.config.AgentConfig;
import io.herd.agent.config.AgentConfigLoader;
import io.herd.agent.host.AgentVersion;
import io.herd.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code herd-agent --config /etc/herd/agent.yaml [overrides]}. */
@Command(name = "herd-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Reports this KVM host to the herd controller and launches and deletes its domains.",
        footer = {"", "Every option overrides the config key of the same name (see docs/agent.md).",
                "Exit status: 143 stopped by SIGTERM (a clean stop, which the systemd unit",
                "counts as success), 1 could not start, 2 bad configuration, 70 a background",
                "thread met an Error (e.g. out of memory; systemd starts the agent afresh).",
                "An unreachable libvirtd is no reason to exit: the agent runs degraded and reconnects."})
public final class AgentMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: none, built-in defaults)")
    Path config;

    @Option(names = "--libvirt-uri", paramLabel = "URI", description = "libvirt_uri, e.g. qemu:///system, test:///default")
    String libvirtUri;

    @Option(names = "--listen-address", paramLabel = "ADDR",
            description = "listen_address, with TLS or --insecure (default 127.0.0.1)")
    String listenAddress;

    @Option(names = "--port", description = "port, with TLS or --insecure (default 7701; 0: any free port)")
    Integer port;

    @Option(names = "--insecure", description = "insecure: serve plaintext TCP on listen_address:port without TLS "
            + "(else, without TLS, only the Unix socket)")
    boolean insecure;

    @Option(names = "--socket-path", paramLabel = "PATH",
            description = "socket_path, served without TLS (default <state_dir>/agent.sock)")
    String socketPath;

    @Option(names = "--advertise-address", paramLabel = "HOST:PORT|unix:///PATH", description = "advertise_address")
    String advertiseAddress;

    @Option(names = "--controller", paramLabel = "HOST:PORT", description = "controller_address (empty: no heartbeats)")
    String controller;

    @Option(names = "--host-name", description = "host_name")
    String hostName;

    @Option(names = "--rack", description = "labels.rack")
    String rack;

    @Option(names = "--zone", description = "labels.zone")
    String zone;

    @Option(names = "--image-dir", paramLabel = "DIR", description = "image_dir")
    String imageDir;

    @Option(names = "--image-pool", paramLabel = "NAME", description = "image_pool")
    String imagePool;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "state_dir")
    String stateDir;

    @Option(names = "--heartbeat-interval-ms", paramLabel = "MS", description = "heartbeat_interval_ms")
    Long heartbeatIntervalMs;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "tls.cert_file")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "tls.key_file")
    String tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "tls.ca_file")
    String tlsCa;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "metrics.listen: serve Prometheus metrics at http://HOST:PORT/metrics (default: off)")
    String metricsListen;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "any config key, e.g. --set reserved_memory_mib=1024")
    Map<String, String> set = new LinkedHashMap<>();

    public static void main(String[] args) {
        // an Error in any thread stops the program (exit 70) for systemd to start it afresh
        Thread.setDefaultUncaughtExceptionHandler(io.herd.common.BackgroundWork.uncaughtHandler());
        io.herd.runtime.Logging.bridgeJavaUtilLogging();
        System.exit(new CommandLine(new AgentMain()).execute(args));
    }

    @Override
    public Integer call() {
        AgentConfig cfg;
        try {
            cfg = AgentConfigLoader.load(Optional.ofNullable(config), overrides());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("herd-agent: " + e.getMessage());
            return 2;
        }
        AgentRuntime runtime;
        try {
            runtime = AgentRuntime.start(cfg);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("herd-agent: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            LOG.error("cannot start: {}", e.toString(), e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "herd-agent-shutdown"));
        try {
            runtime.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    Map<String, String> overrides() {
        Map<String, String> o = new LinkedHashMap<>(set);
        put(o, "libvirt_uri", libvirtUri);
        put(o, "listen_address", listenAddress);
        put(o, "port", port);
        if (insecure) {
            o.put("insecure", "true");
        }
        put(o, "socket_path", socketPath);
        put(o, "advertise_address", advertiseAddress);
        put(o, "controller_address", controller);
        put(o, "host_name", hostName);
        put(o, "labels.rack", rack);
        put(o, "labels.zone", zone);
        put(o, "image_dir", imageDir);
        put(o, "image_pool", imagePool);
        put(o, "state_dir", stateDir);
        put(o, "heartbeat_interval_ms", heartbeatIntervalMs);
        put(o, "tls.cert_file", tlsCert);
        put(o, "tls.key_file", tlsKey);
        put(o, "tls.ca_file", tlsCa);
        put(o, "metrics.listen", metricsListen);
        return o;
    }

    private static void put(Map<String, String> o, String key, Object value) {
        if (value != null) {
            o.put(key, value.toString());
        }
    }

    /** Reports the version stamped at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"herd-agent " + AgentVersion.get()};
        }
    }
}
