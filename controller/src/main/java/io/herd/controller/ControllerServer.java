package io.herd.controller;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.common.BackgroundWork;
import io.herd.controller.agents.GrpcAgentPort;
import io.herd.controller.api.AgentRegistryApi;
import io.herd.controller.api.HostApi;
import io.herd.controller.api.ServerApi;
import io.herd.controller.api.ServerGroupApi;
import io.herd.controller.auth.AccessControl;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.auth.Tokens;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.SqliteStore;
import io.herd.controller.store.Store;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.grpc.GrpcServer;
import java.io.IOException;
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
    private final GrpcServer server;
    private final ScheduledExecutorService liveness;

    private ControllerServer(Store store, GrpcAgentPort agents, ControllerCore core, GrpcServer server,
                             ScheduledExecutorService liveness) {
        this.store = store;
        this.agents = agents;
        this.core = core;
        this.server = server;
        this.liveness = liveness;
    }

    public static ControllerServer start(ControllerConfig config, Clock clock) throws IOException {
        long started = System.nanoTime();
        AccessControl access = new AccessControl(config.tls().isPresent(),
                config.tokensFile() == null ? null : Tokens.load(config.tokensFile()), new AuditLog());
        warnAboutPlaintext(config, access);
        Store store = openStore(config);
        GrpcAgentPort agents = null;
        ControllerCore core = null;
        try {
            agents = new GrpcAgentPort(config.tls(), config.launchTimeout(), config.deleteTimeout());
            CoreSettings settings = new CoreSettings(config.heartbeatInterval(), config.maxGroups(),
                    config.maxMembersPerGroup(), config.launchRetries(), config.gracePeriod(),
                    config.defaultOnHostFailure(), config.launchParallelism(), config.perHostParallelism())
                    .withHostRules(config.requireApproval(), config.limits().maxHosts());
            core = ControllerCore.start(store, new PlacementEngine(config.weighing()), agents, clock, settings);
            ControllerConfig.Limits limits = config.limits();
            GrpcServer.Builder b = GrpcServer.builder()
                    .tcp(new HostPort(config.listenHost(), config.listenPort()))
                    .maxMessageBytes(limits.maxMessageBytes())
                    .interceptor(access)
                    .service(new ServerGroupApi(core.groups()))
                    .service(new ServerApi(core.servers(), core.migrations()))
                    .service(new HostApi(core.hosts(), core.migrations()))
                    .service(new AgentRegistryApi(core.hosts(), limits.maxDomainsPerHeartbeat(),
                            limits.heartbeatsPerSecond(), limits.maxHosts()));
            config.tls().ifPresent(t -> b.credentials(t.serverCredentials(false)));
            GrpcServer server = b.start();
            // while store writes that must land are failing, the controller refuses changes: say so
            core.onStoreHealthChange((healthy, why) -> {
                ServingStatus status = healthy ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
                server.health().setStatus("", status);
                for (String service : PUBLIC_SERVICES) {
                    server.health().setStatus(service, status);
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
                    server.port(), config.tls().isPresent() ? "mutual TLS" : "plaintext", config.storeDescription(),
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

    /** PostgreSQL when store.url is set, else the embedded SQLite file. */
    private static Store openStore(ControllerConfig config) {
        return config.storeUrl().<Store>map(PostgresStore::open).orElseGet(() -> SqliteStore.open(config.storePath()));
    }

    private static void warnAboutPlaintext(ControllerConfig config, AccessControl access) {
        if (config.tls().isPresent()) {
            return;
        }
        if (access.open()) {
            LOG.warn("*** NO AUTHENTICATION: without TLS and without auth.tokens_file, anyone who can reach {}:{} "
                    + "may create and delete groups and servers, manage hosts and register hosts. This mode is for "
                    + "demos and tests; see docs/security.md. ***", config.listenHost(), config.listenPort());
        } else {
            LOG.warn("*** PLAINTEXT: bearer tokens are required on the public API, but heartbeats cannot be "
                    + "authenticated without TLS: anyone who can reach {}:{} may register hosts. See "
                    + "docs/security.md. ***", config.listenHost(), config.listenPort());
        }
        if (!config.listensOnLoopback()) {
            LOG.warn("*** INSECURE: serving plaintext gRPC on non-loopback address {} (--insecure). Configure tls.* "
                    + "to stop this. ***", config.listenHost());
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        liveness.shutdownNow();
        server.close();
        core.close();
        agents.close();
        store.close();
    }
}
