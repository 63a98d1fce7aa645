package io.herd.controller;

import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.common.BackgroundWork;
import io.herd.controller.agents.GrpcAgentPort;
import io.herd.controller.auth.AccessControl;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.auth.Tokens;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.ha.LeaderElection;
import io.herd.controller.nova.NovaApiServer;
import io.herd.controller.store.LeaderLease;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.SqliteStore;
import io.herd.controller.store.Store;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.grpc.GrpcServer;
import io.herd.runtime.metrics.GrpcServerMetrics;
import io.herd.runtime.metrics.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running herd-controller: the store, its terms as leader ({@link ControllerTerms}; on
 * PostgreSQL elected among the controllers sharing the database, on SQLite one from start to
 * stop), the gRPC server (public API, agent registry, reflection, health) and the liveness
 * checker, and, when nova_api.listen is set, the HTTP port of the OpenStack compute API, which
 * serves the current term's core like the gRPC services do, and, when metrics.listen is set,
 * the Prometheus /metrics endpoint (docs/metrics.md). Owns their lifecycle.
 */
public final class ControllerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    private final Store store;
    private final GrpcAgentPort agents;
    private final ControllerTerms terms;
    private final LeaderElection election;
    private final GrpcServer server;
    private final ScheduledExecutorService liveness;
    /** Null when nova_api.listen is empty. */
    private final NovaApiServer novaApi;
    /** Null when metrics.listen is empty. */
    private final MetricsEndpoint metrics;

    private ControllerServer(Store store, GrpcAgentPort agents, ControllerTerms terms, LeaderElection election,
                             GrpcServer server, ScheduledExecutorService liveness, NovaApiServer novaApi,
                             MetricsEndpoint metrics) {
        this.store = store;
        this.agents = agents;
        this.terms = terms;
        this.election = election;
        this.server = server;
        this.liveness = liveness;
        this.novaApi = novaApi;
        this.metrics = metrics;
    }

    public static ControllerServer start(ControllerConfig config, Clock clock) throws IOException {
        long started = System.nanoTime();
        Tokens tokens = config.tokensFile() == null ? null : Tokens.load(config.tokensFile());
        AuditLog audit = new AuditLog();
        AccessControl access = new AccessControl(config.tls().isPresent(), tokens, audit);
        warnAboutPlaintext(config, access);
        Store store = openStore(config);
        GrpcAgentPort agents = null;
        ControllerTerms terms = null;
        GrpcServer server = null;
        NovaApiServer novaApi = null;
        MetricsEndpoint metrics = null;
        // this controller's own registry, not the process-wide default: tests run several in one JVM
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            agents = new GrpcAgentPort(config.tls(), config.launchTimeout(), config.deleteTimeout());
            terms = new ControllerTerms(config, store, agents, clock, registry);
            // first, so that calls refused for want of credentials are counted too
            GrpcServer.Builder b = GrpcServer.builder()
                    .tcp(new HostPort(config.listenHost(), config.listenPort()))
                    .maxMessageBytes(config.limits().maxMessageBytes())
                    // its calls block only on the inventory's lock and on store writes (futures)
                    .workStealingCalls()
                    // a heartbeat that repeats its host's last one is answered on the transport's thread
                    .inline(AgentRegistryGrpc.getHeartbeatMethod().getFullMethodName())
                    .interceptor(new GrpcServerMetrics(registry))
                    .interceptor(access);
            terms.services().definitions().forEach(b::service);
            config.tls().ifPresent(t -> b.credentials(t.serverCredentials(false)));
            server = b.start();
            LeaderElection election = null;
            String address = config.advertiseAddress(server.port());
            if (store instanceof PostgresStore) {
                String holder = address + " pid " + ProcessHandle.current().pid() + " "
                        + UUID.randomUUID().toString().substring(0, 8);
                election = new LeaderElection(new LeaderLease(config.storeUrl().orElseThrow(), holder, address,
                        config.ha().lease()), config.ha().lease(), terms);
            }
            terms.attach(server.health(), server.calls(), election);
            if (election == null) {
                // alone on its SQLite file: one term from start to stop, and a start that fails to load fails
                terms.elected(0);
            }
            if (config.novaApiListen().isPresent()) {
                novaApi = NovaApiServer.start(config.novaApiListen().get(), terms, tokens, config.tls(), audit,
                        registry);
            }
            metrics = MetricsEndpoint.startIfConfigured(config.metricsListen(), registry).orElse(null);
            ScheduledExecutorService liveness = BackgroundWork.thread("host-liveness");
            long periodMs = Math.max(10, config.heartbeatInterval().toMillis() / 2);
            ControllerTerms leading = terms;
            // an exception would cancel the schedule, and no host would ever be marked DOWN again
            liveness.scheduleAtFixedRate(() -> BackgroundWork.run("the host liveness check",
                    leading::checkLiveness), periodMs, periodMs, TimeUnit.MILLISECONDS);
            if (election != null) {
                election.start(Duration.ofSeconds(60));
            }
            LOG.info("herd-controller serving on {}:{} ({}), store {}{}, ready in {} ms", config.listenHost(),
                    server.port(), config.tls().isPresent() ? "mutual TLS" : "plaintext", config.storeDescription(),
                    election == null ? "" : ", electing a leader among the controllers sharing it as " + address,
                    (System.nanoTime() - started) / 1_000_000);
            if (metrics != null) {
                LOG.info("Prometheus metrics at http://{}:{}/metrics", config.metricsListen().get().host(),
                        metrics.port());
            }
            return new ControllerServer(store, agents, terms, election, server, liveness, novaApi, metrics);
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (novaApi != null) {
                novaApi.close();
            }
            if (server != null) {
                server.close();
            }
            if (terms != null) {
                terms.deposed(0, "the start failed");
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
        // pg_stat_activity shows which controller each session is
        return config.storeUrl().<Store>map(t -> PostgresStore.open(t, config.ha().lease(),
                "herd-controller " + config.advertiseAddress(config.listenPort())))
                .orElseGet(() -> SqliteStore.open(config.storePath()));
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

    /** The compute API's bound port, or -1 when nova_api.listen is empty. */
    public int novaApiPort() {
        return novaApi == null ? -1 : novaApi.port();
    }

    /** The /metrics port bound, or -1 when metrics.listen is empty. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops: the term ends (its queued writes land), a leader releases its lease so that a
     * standby takes over at once, then the server stops.
     */
    @Override
    public void close() {
        if (novaApi != null) {
            novaApi.close();
        }
        liveness.shutdownNow();
        if (election != null) {
            election.close();
        } else {
            terms.deposed(0, "the controller is stopping");
        }
        server.close();
        agents.close();
        store.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
