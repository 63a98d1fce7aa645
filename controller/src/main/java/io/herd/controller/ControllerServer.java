package io.herd.controller;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.common.BackgroundWork;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.controller.agents.GrpcAgentPort;
import io.herd.controller.api.AgentRegistryApi;
import io.herd.controller.api.HostApi;
import io.herd.controller.api.ServerApi;
import io.herd.controller.api.ServerGroupApi;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.SqliteStore;
import io.herd.controller.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running herd-controller: the store, the core, the gRPC server (public API, agent
 * registry, reflection, health) and the liveness checker. Owns their lifecycle.
 */
public final class ControllerServer implements AutoCloseable {

    /** Services whose health follows the store's (the agent registry keeps serving heartbeats). */
    private static final List<String> PUBLIC_SERVICES = List.of(ServerGroupServiceGrpc.SERVICE_NAME,
            ServerServiceGrpc.SERVICE_NAME, HostServiceGrpc.SERVICE_NAME);

    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    private final Store store;
    private final GrpcAgentPort agents;
    private final ControllerCore core;
    private final Server server;
    private final ScheduledExecutorService liveness;

    private ControllerServer(Store store, GrpcAgentPort agents, ControllerCore core, Server server,
                             ScheduledExecutorService liveness) {
        this.store = store;
        this.agents = agents;
        this.core = core;
        this.server = server;
        this.liveness = liveness;
    }

    public static ControllerServer start(ControllerConfig config, Clock clock) throws IOException {
        long started = System.nanoTime();
        if (!config.tls() && !config.listensOnLoopback()) {
            LOG.warn("*** INSECURE: serving plaintext gRPC on non-loopback address {} (--insecure). Anyone who can "
                    + "reach it can create and delete servers. Configure tls.* to stop this. ***",
                    config.listenHost());
        }
        Store store = SqliteStore.open(config.storePath());
        GrpcAgentPort agents = null;
        ControllerCore core = null;
        try {
            agents = new GrpcAgentPort(config.tls() ? new GrpcAgentPort.Tls(config.tlsCert().toFile(),
                    config.tlsKey().toFile(), config.tlsCa().toFile()) : null, config.launchTimeout(),
                    config.deleteTimeout());
            CoreSettings settings = new CoreSettings(config.heartbeatInterval(), config.maxGroups(),
                    config.maxMembersPerGroup(), config.launchRetries(), config.gracePeriod(),
                    config.defaultOnHostFailure(), config.launchParallelism(), config.perHostParallelism());
            core = ControllerCore.start(store, new PlacementEngine(config.weighing()), agents, clock, settings);
            HealthStatusManager health = new HealthStatusManager();
            ServerCredentials credentials = config.tls()
                    ? TlsServerCredentials.newBuilder()
                            .keyManager(config.tlsCert().toFile(), config.tlsKey().toFile())
                            .trustManager(config.tlsCa().toFile())
                            .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                            .build()
                    : InsecureServerCredentials.create();
            Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                    .forAddress(new InetSocketAddress(config.listenHost(), config.listenPort()), credentials)
                    .addService(new ServerGroupApi(core.groups()))
                    .addService(new ServerApi(core.servers(), core.migrations()))
                    .addService(new HostApi(core.hosts(), core.migrations()))
                    .addService(new AgentRegistryApi(core.hosts()))
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .addService(legacyReflection())
                    .addService(health.getHealthService())
                    .build()
                    .start();
            // while store writes that must land are failing, the controller refuses changes: say so
            core.onStoreHealthChange((healthy, why) -> {
                health.setStatus("", healthy ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
                for (String service : PUBLIC_SERVICES) {
                    health.setStatus(service, healthy ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
                }
            });
            ScheduledExecutorService liveness = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "host-liveness");
                t.setDaemon(true);
                return t;
            });
            long periodMs = Math.max(10, config.heartbeatInterval().toMillis() / 2);
            ControllerCore c = core;
            // an exception would cancel the schedule, and no host would ever be marked DOWN again
            liveness.scheduleAtFixedRate(() -> BackgroundWork.run("the host liveness check",
                    c.hosts()::checkLiveness), periodMs, periodMs, TimeUnit.MILLISECONDS);
            LOG.info("herd-controller serving on {}:{} ({}), store {}, ready in {} ms", config.listenHost(),
                    server.getPort(), config.tls() ? "TLS" : "plaintext", config.storePath(),
                    (System.nanoTime() - started) / 1_000_000);
            return new ControllerServer(store, agents, core, server, liveness);
        } catch (IOException | RuntimeException e) {
            if (core != null) {
                core.close();
            }
            if (agents != null) {
                agents.close();
            }
            store.close();
            throw e;
        }
    }

    /**
     * grpc.reflection.v1alpha, which grpcurl before 1.9 and many other tools still ask for;
     * grpc-java deprecates it in favour of v1 (served too).
     */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        liveness.shutdownNow();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        core.close();
        agents.close();
        store.close();
    }
}
