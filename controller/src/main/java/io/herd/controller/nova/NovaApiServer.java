package io.herd.controller.nova;

import io.herd.controller.auth.AuditLog;
import io.herd.controller.auth.Tokens;
import io.herd.controller.console.ConsoleHandler;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.tls.TlsFiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP port for the OpenStack compute API (nova_api.listen): a Jetty server
 * whose handlers are the web console ({@link ConsoleHandler}, under {@code /console/}) and
 * {@link NovaHandler} (everything else), each request counted and timed by route
 * ({@link HttpPortMetrics}). Owns the server's threads and socket.
 */
public final class NovaApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NovaApiServer.class);
    /** Requests in progress at once (each may wait for a store write); more wait in the queue. */
    private static final int MAX_THREADS = 32;
    private static final int MIN_THREADS = 4;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final Server server;
    private final ServerConnector connector;

    private NovaApiServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Binds {@code listen} and serves the compute API of the leader's core over plain HTTP, its
     * metrics in a registry of its own.
     */
    public static NovaApiServer start(HostPort listen, LeaderCore leader, Tokens tokens, AuditLog audit)
            throws IOException {
        return start(listen, leader, tokens, Optional.empty(), audit, new PrometheusRegistry());
    }

    /**
     * Binds {@code listen} and serves the compute API of the leader's core: over HTTPS with the
     * controller's certificate when {@code tls} is given, asking clients for a certificate signed by
     * its CA (a caller may then present one instead of a token).
     *
     * @param tokens   the controller's bearer tokens, or null: none
     * @param registry where the port's request metrics are registered
     */
    public static NovaApiServer start(HostPort listen, LeaderCore leader, Tokens tokens, Optional<TlsFiles> tls,
                                      AuditLog audit, PrometheusRegistry registry) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("nova-api");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (tls.isPresent()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients dial by address as often as by name
            http.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls.get().serverSslContext());
            ssl.setWantClientAuth(true);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        server.addConnector(connector);
        NovaAuth auth = new NovaAuth(tokens, tls.isPresent());
        // the console answers /console…, and declines the rest, which the compute API answers
        server.setHandler(new HttpPortMetrics(registry, PortRoutes::of, PortRoutes.STREAMING,
                new Handler.Sequence(new ConsoleHandler(leader, auth, audit), new NovaHandler(leader, auth, audit))));
        server.setStopTimeout(STOP_TIMEOUT_MS);
        try {
            server.start();
        } catch (Exception e) {
            stop(server);
            throw new IOException("cannot serve the compute API on " + listen + " (nova_api.listen): "
                    + e.getMessage(), e);
        }
        LOG.info("compute API (microversions {}–{}) and image list on {}://{}:{}{}", Microversion.MIN,
                Microversion.MAX, tls.isPresent() ? "https" : "http", listen.host(), connector.getLocalPort(),
                tls.isPresent() ? ", X-Auth-Token or a client certificate required"
                        : tokens == null ? " without credentials" : ", X-Auth-Token required");
        LOG.info("web console on {}://{}:{}{}/", tls.isPresent() ? "https" : "http", listen.host(),
                connector.getLocalPort(), ConsoleHandler.PREFIX);
        return new NovaApiServer(server, connector);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        stop(server);
    }

    private static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("the compute API's server did not stop cleanly: {}", e.getMessage());
        }
    }
}
