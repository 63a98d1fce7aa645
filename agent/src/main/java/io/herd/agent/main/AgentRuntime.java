package io.herd.agent.main;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.herd.agent.api.AgentServiceImpl;
import io.herd.agent.api.HostPolicy;
import io.herd.agent.api.HostReporter;
import io.herd.common.LaunchLimits;
import io.herd.agent.config.AgentConfig;
import io.herd.agent.config.ConfigException;
import io.herd.agent.host.AgentVersion;
import io.herd.agent.host.HostIdentity;
import io.herd.agent.host.ImageCatalog;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.LibvirtHypervisor;
import io.herd.agent.registration.Fencing;
import io.herd.agent.registration.HeartbeatSender;
import io.herd.agent.registration.StaleCopies;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running agent: hypervisor, gRPC server and heartbeats, started and stopped together. */
public final class AgentRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    /** How often the agent checks whether it must fence itself. */
    private static final Duration FENCING_CHECK = Duration.ofMillis(250);

    private final Hypervisor hypervisor;
    private final boolean ownsHypervisor;
    private final Server server;
    private final HealthStatusManager health;
    private final Optional<HeartbeatSender> heartbeats;
    private final Optional<ManagedChannel> controllerChannel;
    private final HostIdentity identity;
    private final List<AutoCloseable> helpers;

    private AgentRuntime(Hypervisor hypervisor, boolean ownsHypervisor, Server server, HealthStatusManager health,
                         Optional<HeartbeatSender> heartbeats, Optional<ManagedChannel> controllerChannel,
                         HostIdentity identity, List<AutoCloseable> helpers) {
        this.hypervisor = hypervisor;
        this.ownsHypervisor = ownsHypervisor;
        this.server = server;
        this.health = health;
        this.heartbeats = heartbeats;
        this.controllerChannel = controllerChannel;
        this.identity = identity;
        this.helpers = helpers;
    }

    /** Starts an agent on the libvirt URI of the config. */
    public static AgentRuntime start(AgentConfig config) throws IOException, ConfigException {
        prepareDirectories(config);
        checkListenAddress(config);
        LibvirtHypervisor hypervisor = LibvirtHypervisor.open(new LibvirtHypervisor.Options(
                config.libvirtUri(), config.imageDir(), config.imagePool(),
                Duration.ofMillis(config.libvirtReconnectMaxMs())));
        try {
            return start(config, hypervisor, true, Clock.systemUTC());
        } catch (IOException | ConfigException | RuntimeException e) {
            hypervisor.close();
            throw e;
        }
    }

    /** Starts an agent on a given hypervisor (which the caller closes when ownsHypervisor is false). */
    public static AgentRuntime start(AgentConfig config, Hypervisor hypervisor, boolean ownsHypervisor, Clock clock)
            throws IOException, ConfigException {
        prepareDirectories(config);
        checkListenAddress(config);
        HostIdentity identity = new HostIdentity(HostIdentity.loadOrCreateHostId(config.stateDir()),
                config.hostName(), config.rack(), config.zone(), config.libvirtUri(), AgentVersion.get());
        HostReporter reporter = new HostReporter(hypervisor, identity, new HostPolicy(config.reservedCpus(),
                config.reservedMemoryMib(), config.reservedDiskGib(), config.cpuAllocationRatio(),
                config.ramAllocationRatio()));
        HealthStatusManager health = new HealthStatusManager();
        LaunchLimits limits = new LaunchLimits(config.maxServerVcpus(), config.maxServerMemoryMib(),
                config.maxServerDiskGib());
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.listenAddress(), config.port()), serverCredentials(config))
                .maxInboundMessageSize(config.maxMessageBytes())
                .addService(new AgentServiceImpl(hypervisor, reporter, limits))
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(legacyReflection())
                .addService(health.getHealthService())
                .build()
                .start();
        int port = server.getPort();
        LOG.info("herd-agent {} (host {} '{}') serving AgentService on {}:{}{}", AgentVersion.get(),
                identity.hostId(), identity.hostName(), config.listenAddress(), port,
                config.tls().isPresent() ? " with mutual TLS" : " without TLS");

        Optional<ManagedChannel> channel = Optional.empty();
        Optional<HeartbeatSender> heartbeats = Optional.empty();
        List<AutoCloseable> helpers = new ArrayList<>();
        if (!config.controllerAddress().isEmpty()) {
            // no transparent retries: a failed heartbeat is sent again, with what is true by then
            ManagedChannel ch = Grpc.newChannelBuilder(config.controllerAddress(), channelCredentials(config))
                    .disableRetry().build();
            String advertised = advertisedAddress(config, port);
            AtomicReference<HeartbeatSender> senderRef = new AtomicReference<>();
            Fencing fencing = new Fencing(hypervisor, config.stateDir(), clock,
                    () -> senderRef.get().trigger("fenced: domains destroyed while cut off from the controller"));
            StaleCopies stale = new StaleCopies(hypervisor,
                    () -> senderRef.get().trigger("removed a copy of a server that lives elsewhere"));
            helpers.add(fencing);
            helpers.add(stale);
            HeartbeatSender sender = new HeartbeatSender(AgentRegistryGrpc.newBlockingStub(ch), reporter, hypervisor,
                    new HeartbeatSender.Settings(advertised, Duration.ofMillis(config.heartbeatIntervalMs()),
                            Duration.ofMillis(config.controllerTimeoutMs()),
                            Duration.ofMillis(config.heartbeatMaxBackoffMs())),
                    new HeartbeatSender.Parts(limits, new ImageCatalog(config.imageDir()), fencing, stale), clock);
            senderRef.set(sender);
            fencing.start(FENCING_CHECK);
            channel = Optional.of(ch);
            heartbeats = Optional.of(sender);
            LOG.info("heartbeats to {} every {} ms, advertising {}", config.controllerAddress(),
                    config.heartbeatIntervalMs(), advertised);
        } else {
            LOG.info("no controller_address configured: not sending heartbeats");
        }
        AgentRuntime runtime = new AgentRuntime(hypervisor, ownsHypervisor, server, health, heartbeats, channel,
                identity, helpers);
        hypervisor.setEventListener(runtime::onHypervisorEvent);
        runtime.updateHealth();
        heartbeats.ifPresent(HeartbeatSender::start);
        return runtime;
    }

    /** The port AgentService listens on (the real one when the config said 0). */
    public int port() {
        return server.getPort();
    }

    public HostIdentity identity() {
        return identity;
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
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        health.setStatus(AgentServiceGrpc.SERVICE_NAME, status);
    }

    @Override
    public void close() {
        LOG.info("stopping herd-agent (host {})", identity.hostId());
        health.enterTerminalState();
        heartbeats.ifPresent(HeartbeatSender::close);
        for (AutoCloseable helper : helpers) {
            try {
                helper.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", helper.getClass().getSimpleName(), e.toString());
            }
        }
        controllerChannel.ifPresent(ManagedChannel::shutdownNow);
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (ownsHypervisor) {
            hypervisor.close();
        }
    }

    // grpcurl releases before 1.8.8 only speak v1alpha reflection
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    private static ServerCredentials serverCredentials(AgentConfig config) throws IOException {
        if (config.tls().isEmpty()) {
            return InsecureServerCredentials.create();
        }
        AgentConfig.Tls tls = config.tls().get();
        return TlsServerCredentials.newBuilder()
                .keyManager(tls.certFile().toFile(), tls.keyFile().toFile())
                .trustManager(tls.caFile().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    private static ChannelCredentials channelCredentials(AgentConfig config) throws IOException {
        if (config.tls().isEmpty()) {
            return InsecureChannelCredentials.create();
        }
        AgentConfig.Tls tls = config.tls().get();
        return TlsChannelCredentials.newBuilder()
                .keyManager(tls.certFile().toFile(), tls.keyFile().toFile())
                .trustManager(tls.caFile().toFile())
                .build();
    }

    /** advertise_address, else the listen address, else (listening on all addresses) the host name. */
    static String advertisedAddress(AgentConfig config, int port) {
        if (!config.advertiseAddress().isEmpty()) {
            return config.advertiseAddress();
        }
        String host = config.listenAddress();
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                host = config.hostName();
            }
        } catch (UnknownHostException e) {
            // checked at start; keep the configured text
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static void prepareDirectories(AgentConfig config) throws ConfigException {
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
    }

    private static void checkListenAddress(AgentConfig config) throws ConfigException {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(config.listenAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("listen_address", "cannot resolve '" + config.listenAddress() + "'");
        }
        if (loopback || config.tls().isPresent()) {
            return;
        }
        if (!config.insecure()) {
            throw new ConfigException("listen_address", config.listenAddress() + " is not a loopback address and "
                    + "no TLS files are configured: configure tls.cert_file/tls.key_file/tls.ca_file, or pass "
                    + "--insecure to accept commands from anyone who can reach the port");
        }
        LOG.warn("*** INSECURE: AgentService listens on {} WITHOUT TLS; anyone who can reach this port can "
                + "launch and delete domains on this host (--insecure) ***", config.listenAddress());
    }
}
