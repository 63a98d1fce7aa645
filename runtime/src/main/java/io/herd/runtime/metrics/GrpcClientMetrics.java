package io.herd.runtime.metrics;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Counts every gRPC call a program makes, by method and status code
 * ({@code herd_grpc_client_handled_total}), and times it from its start to its close
 * ({@code herd_grpc_client_handling_seconds}): an agent's heartbeats, for one.
 */
public final class GrpcClientMetrics implements ClientInterceptor {

    private final Counter handled;
    private final Histogram handling;

    /** Registers both metrics in {@code registry}. */
    public GrpcClientMetrics(PrometheusRegistry registry) {
        this.handled = Counter.builder()
                .name("herd_grpc_client_handled_total")
                .help("gRPC calls made and finished, by full method name and status code")
                .labelNames("method", "code")
                .register(registry);
        this.handling = Histogram.builder()
                .name("herd_grpc_client_handling_seconds")
                .help("time from a gRPC call's start to its close, by full method name")
                .unit(Unit.SECONDS)
                .classicOnly()
                .labelNames("method")
                .register(registry);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String name = method.getFullMethodName();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                long started = System.nanoTime();
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        handled.labelValues(name, status.getCode().name()).inc();
                        handling.labelValues(name).observe((System.nanoTime() - started) / 1e9);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
