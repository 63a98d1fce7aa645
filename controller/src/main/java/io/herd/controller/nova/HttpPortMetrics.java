package io.herd.controller.nova;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts every request the handlers it wraps finish, by route, method and status code
 * ({@code herd_http_server_handled_total}), and times it from its arrival to its last byte
 * ({@code herd_http_server_handling_seconds}). The route is a label from a short, fixed list
 * (never the raw path, whose ids would make a series per server); requests of a streaming
 * route (server-sent events, open for minutes) are counted but not timed.
 */
final class HttpPortMetrics extends Handler.Wrapper {

    /** The methods labelled by name; any other is {@code other}. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Function<String, String> routeOfPath;
    private final Set<String> streaming;
    private final Counter handled;
    private final Histogram handling;

    /**
     * Registers both metrics in {@code registry}.
     *
     * @param routeOfPath the route label of a request's path (in its context), from a fixed list
     * @param streaming   the routes whose requests are long-lived streams: not timed
     */
    HttpPortMetrics(PrometheusRegistry registry, Function<String, String> routeOfPath, Set<String> streaming,
                    Handler handler) {
        super(handler);
        this.routeOfPath = routeOfPath;
        this.streaming = Set.copyOf(streaming);
        this.handled = Counter.builder().name("herd_http_server_handled_total")
                .help("HTTP requests finished on the compute API and console port, by route, method and status code")
                .labelNames("route", "method", "code").register(registry);
        this.handling = Histogram.builder().name("herd_http_server_handling_seconds")
                .help("time from an HTTP request's arrival to its response's end, by route and method "
                        + "(event streams not timed)")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("route", "method").register(registry);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long started = System.nanoTime();
        String route = routeOfPath.apply(Request.getPathInContext(request));
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
        Callback counted = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                record(route, method, status(response, 200), started);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                record(route, method, response.isCommitted() ? status(response, 200) : 500, started);
                super.failed(x);
            }
        };
        boolean taken;
        try {
            taken = super.handle(request, response, counted);
        } catch (Exception | Error e) {
            // Jetty answers 500 for a handler that throws
            record(route, method, 500, started);
            throw e;
        }
        if (!taken) {
            // no handler took it: Jetty answers 404
            record(route, method, 404, started);
        }
        return taken;
    }

    /** The status set, or {@code unset} when none was (Jetty's default then applies). */
    private static int status(Response response, int unset) {
        int status = response.getStatus();
        return status == 0 ? unset : status;
    }

    private void record(String route, String method, int status, long started) {
        handled.labelValues(route, method, Integer.toString(status)).inc();
        if (!streaming.contains(route)) {
            handling.labelValues(route, method).observe((System.nanoTime() - started) / 1e9);
        }
    }
}
