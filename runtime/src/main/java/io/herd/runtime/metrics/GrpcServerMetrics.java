package io.herd.runtime.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every gRPC call a server finishes, by method and status code
 * ({@code herd_grpc_server_handled_total}), and times it from its headers to its close
 * ({@code herd_grpc_server_handling_seconds}). Put in front of every other interceptor, so
 * that calls they refuse (unauthenticated, not leading, ...) are counted too.
 */
public final class GrpcServerMetrics implements ServerInterceptor {

    private final Counter handled;
    private final Histogram handling;

    /** Registers both metrics in {@code registry}. */
    public GrpcServerMetrics(PrometheusRegistry registry) {
        this.handled = Counter.builder()
                .name("herd_grpc_server_handled_total")
                .help("gRPC calls finished, by full method name and status code")
                .labelNames("method", "code")
                .register(registry);
        this.handling = Histogram.builder()
                .name("herd_grpc_server_handling_seconds")
                .help("time from a gRPC call's headers to its close, by full method name")
                .unit(Unit.SECONDS)
                .classicOnly()
                .labelNames("method")
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        long started = System.nanoTime();
        AtomicBoolean counted = new AtomicBoolean();
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record(method, status.getCode(), started, counted);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(timed, headers);
        // a call the client cancels is never closed by the server
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                record(method, Status.Code.CANCELLED, started, counted);
                super.onCancel();
            }
        };
    }

    private void record(String method, Status.Code code, long started, AtomicBoolean counted) {
        if (counted.compareAndSet(false, true)) {
            handled.labelValues(method, code.name()).inc();
            handling.labelValues(method).observe((System.nanoTime() - started) / 1e9);
        }
    }
}
