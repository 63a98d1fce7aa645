package io.herd.runtime.metrics;

import io.herd.runtime.config.ConfigValues;
import io.herd.runtime.config.HostPort;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;

/**
 * The Prometheus text-format endpoint, {@code GET /metrics} over plain HTTP, of one
 * registry, with the JVM's metrics (memory, GC, threads, ...) added to it. Serves no secret
 * (counts and latencies only) and asks for no credentials, so it may listen beyond loopback
 * where a scraper needs it.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** The configuration key both programs read the address from; empty (the default) is off. */
    public static final String KEY = "metrics.listen";

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Registers the JVM's metrics in {@code registry} and serves it on {@code listen}.
     *
     * @param listen where to listen; port 0 takes any free port ({@link #port()})
     * @throws IOException when the address cannot be bound
     */
    public static MetricsEndpoint start(HostPort listen, PrometheusRegistry registry) throws IOException {
        JvmMetrics.builder().register(registry);
        return new MetricsEndpoint(HTTPServer.builder()
                .hostname(listen.host())
                .port(listen.port())
                .registry(registry)
                .buildAndStart());
    }

    /**
     * The address {@value #KEY} names ({@code host:port}, port 0 for any free one), or empty
     * when it is empty. Any address is accepted, loopback or not: the endpoint serves no secret.
     */
    public static Optional<HostPort> listenAddress(ConfigValues values) {
        String s = values.string(KEY);
        return s.isEmpty() ? Optional.empty() : Optional.of(HostPort.parse(KEY, s, 0));
    }

    /** Serves {@code registry} on the address, if one is given; else empty. */
    public static Optional<MetricsEndpoint> startIfConfigured(Optional<HostPort> listen, PrometheusRegistry registry)
            throws IOException {
        return listen.isEmpty() ? Optional.empty() : Optional.of(start(listen.get(), registry));
    }

    /** The TCP port bound (the real one when 0 was asked for). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
