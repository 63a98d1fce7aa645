package io.herd.agent.main;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.herd.agent.api.AgentServiceImpl;
import io.herd.agent.api.HostPolicy;
import io.herd.agent.api.HostReporter;
import io.herd.agent.config.AgentConfig;
import io.herd.agent.host.AgentVersion;
import io.herd.agent.host.HostIdentity;
import io.herd.agent.host.ImageCatalog;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.LibvirtHypervisor;
import io.herd.agent.metrics.MeasuredHypervisor;
import io.herd.agent.registration.ControllerEpoch;
import io.herd.agent.registration.Fencing;
import io.herd.agent.registration.HeartbeatSender;
import io.herd.agent.registration.StaleCopies;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.common.LaunchLimits;
import io.herd.runtime.config.ConfigException;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.grpc.ControllerEndpoints;
import io.herd.runtime.grpc.GrpcServer;
import io.herd.runtime.metrics.GrpcClientMetrics;
import io.herd.runtime.metrics.GrpcServerMetrics;
import io.herd.runtime.metrics.MetricsEndpoint;
import io.herd.runtime.tls.Role;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: hypervisor, gRPC server, heartbeats and, when metrics.listen is set, the
 * Prometheus /metrics endpoint, started and stopped together.
 */
public final class AgentRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    /** How often the agent checks whether it must fence itself. */
    private static final Duration FENCING_CHECK = Duration.ofMillis(250);

    private final Hypervisor hypervisor;
    private final boolean ownsHypervisor;
    private final GrpcServer server;
    private final String address;
    private final Optional<HeartbeatSender> heartbeats;
    private final Optional<ControllerEndpoints> controllers;
    private final HostIdentity identity;
    private final List<AutoCloseable> helpers;
    /** Empty when metrics.listen is empty. */
    private final Optional<MetricsEndpoint> metrics;

    private AgentRuntime(Hypervisor hypervisor, boolean ownsHypervisor, GrpcServer server, String address,
                         Optional<HeartbeatSender> heartbeats, Optional<ControllerEndpoints> controllers,
                         HostIdentity identity, List<AutoCloseable> helpers, Optional<MetricsEndpoint> metrics) {
        this.hypervisor = hypervisor;
        this.ownsHypervisor = ownsHypervisor;
        this.server = server;
        this.address = address;
        this.heartbeats = heartbeats;
        this.controllers = controllers;
        this.identity = identity;
        this.helpers = helpers;
        this.metrics = metrics;
    }

    /** Starts an agent on the libvirt URI of the config. */
    public static AgentRuntime start(AgentConfig config) throws IOException {
        prepareDirectories(config);
        LibvirtHypervisor hypervisor = LibvirtHypervisor.open(new LibvirtHypervisor.Options(
                config.libvirtUri(), config.imageDir(), config.imagePool(),
                Duration.ofMillis(config.libvirtReconnectMaxMs())));
        try {
            return start(config, hypervisor, true, Clock.systemUTC());
        } catch (IOException | RuntimeException e) {
            hypervisor.close();
            throw e;
        }
    }

    /** Starts an agent on a given hypervisor (which the caller closes when ownsHypervisor is false). */
    public static AgentRuntime start(AgentConfig config, Hypervisor hypervisor, boolean ownsHypervisor, Clock clock)
            throws IOException {
        prepareDirectories(config);
        // this agent's own registry, not the process-wide default: tests run several in one JVM
        PrometheusRegistry registry = new PrometheusRegistry();
        Hypervisor measured = new MeasuredHypervisor(hypervisor, registry);
        Optional<MetricsEndpoint> metrics = MetricsEndpoint.startIfConfigured(config.metricsListen(), registry);
        metrics.ifPresent(m -> LOG.info("Prometheus metrics at http://{}:{}/metrics",
                config.metricsListen().get().host(), m.port()));
        try {
            return start(config, measured, ownsHypervisor, clock, registry, metrics);
        } catch (IOException | RuntimeException e) {
            metrics.ifPresent(MetricsEndpoint::close);
            throw e;
        }
    }

    private static AgentRuntime start(AgentConfig config, Hypervisor hypervisor, boolean ownsHypervisor, Clock clock,
                                      PrometheusRegistry registry, Optional<MetricsEndpoint> metrics)
            throws IOException {
        HostIdentity identity = new HostIdentity(HostIdentity.loadOrCreateHostId(config.stateDir()),
                config.hostName(), config.rack(), config.zone(), config.libvirtUri(), AgentVersion.get());
        HostReporter reporter = new HostReporter(hypervisor, identity, new HostPolicy(config.reservedCpus(),
                config.reservedMemoryMib(), config.reservedDiskGib(), config.cpuAllocationRatio(),
                config.ramAllocationRatio()));
        LaunchLimits limits = new LaunchLimits(config.maxServerVcpus(), config.maxServerMemoryMib(),
                config.maxServerDiskGib());
        ControllerEpoch epochs = new ControllerEpoch();
        GrpcServer server = startServer(config, new AgentServiceImpl(hypervisor, reporter, limits), epochs,
                new GrpcServerMetrics(registry));
        String address = localAddress(config, server.port());
        LOG.info("herd-agent {} (host {} '{}') serving AgentService on {}", AgentVersion.get(),
                identity.hostId(), identity.hostName(), describeServing(config, address));

        Optional<ControllerEndpoints> endpoints = Optional.empty();
        Optional<HeartbeatSender> heartbeats = Optional.empty();
        List<AutoCloseable> helpers = new ArrayList<>();
        if (!config.controllerAddresses().isEmpty()) {
            GrpcClientMetrics heartbeatMetrics = new GrpcClientMetrics(registry);
            ChannelCredentials credentials = config.tls()
                    .map(tls -> tls.channelCredentials(Role.CONTROLLER))
                    .orElseGet(InsecureChannelCredentials::create);
            // no transparent retries: a failed heartbeat is sent again, with what is true by then
            ControllerEndpoints controllers = new ControllerEndpoints(config.controllerAddresses(),
                    target -> Grpc.newChannelBuilder(target, credentials).disableRetry().intercept(heartbeatMetrics)
                            .build());
            String advertised = advertisedAddress(config, server.port());
            AtomicReference<HeartbeatSender> senderRef = new AtomicReference<>();
            Fencing fencing = new Fencing(hypervisor, config.stateDir(), clock,
                    () -> senderRef.get().trigger("fenced: domains destroyed while cut off from the controller"));
            StaleCopies stale = new StaleCopies(hypervisor,
                    () -> senderRef.get().trigger("removed a copy of a server that lives elsewhere"));
            helpers.add(fencing);
            helpers.add(stale);
            HeartbeatSender sender = new HeartbeatSender(controllers, reporter, hypervisor,
                    new HeartbeatSender.Settings(advertised, Duration.ofMillis(config.heartbeatIntervalMs()),
                            Duration.ofMillis(config.controllerTimeoutMs()),
                            Duration.ofMillis(config.heartbeatMaxBackoffMs())),
                    new HeartbeatSender.Parts(limits, new ImageCatalog(config.imageDir()), fencing, stale, epochs),
                    clock);
            senderRef.set(sender);
            fencing.start(FENCING_CHECK);
            endpoints = Optional.of(controllers);
            heartbeats = Optional.of(sender);
            LOG.info("heartbeats to {} every {} ms{}, advertising {}", String.join(", ", config.controllerAddresses()),
                    config.heartbeatIntervalMs(), config.tls().isPresent() ? " over mutual TLS" : "", advertised);
        } else {
            LOG.info("no controller_address configured: not sending heartbeats");
        }
        AgentRuntime runtime = new AgentRuntime(hypervisor, ownsHypervisor, server, address, heartbeats, endpoints,
                identity, helpers, metrics);
        hypervisor.setEventListener(runtime::onHypervisorEvent);
        runtime.updateHealth();
        heartbeats.ifPresent(HeartbeatSender::start);
        return runtime;
    }

    /**
     * On the Unix socket without TLS and without insecure; else on TCP, with TLS only a
     * controller's certificate may call AgentService ({@link ControllerOnly}). Either way a
     * deposed leader's calls are refused ({@link EpochFence}).
     */
    private static GrpcServer startServer(AgentConfig config, AgentServiceImpl service, ControllerEpoch epochs,
                                          GrpcServerMetrics metrics) throws IOException {
        // the metrics first, so that calls the other interceptors refuse are counted too
        GrpcServer.Builder builder = GrpcServer.builder().maxMessageBytes(config.maxMessageBytes()).service(service)
                .interceptor(metrics);
        if (config.onUnixSocket()) {
            return builder.interceptor(new EpochFence(epochs)).unixSocket(config.socketPath()).start();
        }
        HostPort listen = listenAddress(config);
        if (config.tls().isPresent()) {
            builder.credentials(config.tls().get().serverCredentials(true)).interceptor(new ControllerOnly());
        }
        builder.interceptor(new EpochFence(epochs));
        if (config.tls().isEmpty()) {
            LOG.warn("*** INSECURE: AgentService listens on {} WITHOUT TLS (insecure: true): anyone who can reach "
                    + "this port{} can launch and delete domains on this host. Configure the tls.* files, or "
                    + "drop insecure to serve on the Unix socket {} ***", listen,
                    isLoopback(listen.host()) ? " (every local user, on a loopback address)" : "",
                    config.socketPath());
        }
        return builder.tcp(listen).start();
    }

    private static String describeServing(AgentConfig config, String address) {
        if (config.onUnixSocket()) {
            return address + " (Unix socket, plaintext, mode 0600: only its owner may connect; listen_address and "
                    + "port are unused without TLS: configure the tls.* files, or insecure: true, to serve TCP)";
        }
        return address + (config.tls().isPresent() ? " with mutual TLS (callers need a controller certificate)"
                : " WITHOUT TLS (insecure)");
    }

    /**
     * Where a client on this machine reaches AgentService: {@code unix:///path}, or
     * {@code host:port} (loopback when listening on every address).
     */
    public String address() {
        return address;
    }

    /** The TCP port AgentService listens on (the real one when the config said 0); -1 on the Unix socket. */
    public int port() {
        return server.port();
    }

    public HostIdentity identity() {
        return identity;
    }

    /** The /metrics port bound, or -1 when metrics.listen is empty. */
    public int metricsPort() {
        return metrics.map(MetricsEndpoint::port).orElse(-1);
    }

    public Optional<HeartbeatSender> heartbeats() {
        return heartbeats;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    private void onHypervisorEvent(String what) {
        updateHealth();
        heartbeats.ifPresent(h -> h.trigger(what));
    }

    private void updateHealth() {
        ServingStatus status = hypervisor.degraded() ? ServingStatus.NOT_SERVING : ServingStatus.SERVING;
        server.health().setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        server.health().setStatus(AgentServiceGrpc.SERVICE_NAME, status);
    }

    @Override
    public void close() {
        LOG.info("stopping herd-agent (host {})", identity.hostId());
        server.health().enterTerminalState();
        heartbeats.ifPresent(HeartbeatSender::close);
        for (AutoCloseable helper : helpers) {
            try {
                helper.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", helper.getClass().getSimpleName(), e.toString());
            }
        }
        controllers.ifPresent(ControllerEndpoints::close);
        server.close();
        metrics.ifPresent(MetricsEndpoint::close);
        if (ownsHypervisor) {
            hypervisor.close();
        }
    }

    /**
     * advertise_address; else {@code unix://} and the socket; else the listen address, or
     * (listening on all addresses) the host name.
     */
    static String advertisedAddress(AgentConfig config, int port) {
        if (!config.advertiseAddress().isEmpty()) {
            return config.advertiseAddress();
        }
        if (config.onUnixSocket()) {
            return "unix://" + config.socketPath();
        }
        String host = config.listenAddress();
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                host = config.hostName();
            }
        } catch (UnknownHostException e) {
            // checked at start; keep the configured text
        }
        return new HostPort(host, port).toString();
    }

    private static String localAddress(AgentConfig config, int port) {
        if (config.onUnixSocket()) {
            return "unix://" + config.socketPath();
        }
        String host = config.listenAddress();
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isAnyLocalAddress()) {
                host = a instanceof Inet6Address ? "::1" : "127.0.0.1";
            }
        } catch (UnknownHostException e) {
            // checked at start
        }
        return new HostPort(host, port).toString();
    }

    private static HostPort listenAddress(AgentConfig config) {
        try {
            InetAddress.getByName(config.listenAddress());
        } catch (UnknownHostException e) {
            throw new ConfigException("listen_address", "cannot resolve '" + config.listenAddress() + "'");
        }
        String host = config.listenAddress();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, config.port());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void prepareDirectories(AgentConfig config) {
        try {
            Files.createDirectories(config.imageDir());
        } catch (IOException e) {
            throw new ConfigException("image_dir", "cannot create " + config.imageDir() + ": " + e);
        }
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new ConfigException("state_dir", "cannot create " + config.stateDir() + ": " + e);
        }
        if (config.onUnixSocket()) {
            try {
                Files.createDirectories(config.socketPath().getParent());
            } catch (IOException e) {
                throw new ConfigException("socket_path", "cannot create the directory of " + config.socketPath()
                        + ": " + e);
            }
        }
    }
}
