/**
 * What both server programs export to Prometheus, the same way: the {@code /metrics} HTTP
 * endpoint ({@link io.herd.runtime.metrics.MetricsEndpoint}, with the JVM's own metrics) and
 * the count and latency of every gRPC call served
 * ({@link io.herd.runtime.metrics.GrpcServerMetrics}) and made
 * ({@link io.herd.runtime.metrics.GrpcClientMetrics}). Each program keeps its own registry
 * (no process-wide default), so several programs may run in one JVM, as tests do. The
 * program-specific metrics live with each program.
 */
package io.herd.runtime.metrics;
