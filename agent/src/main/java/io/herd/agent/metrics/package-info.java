/**
 * The agent's own metrics (docs/metrics.md): its hypervisor's calls timed and counted
 * ({@link io.herd.agent.metrics.MeasuredHypervisor}), whether it is degraded and its domains
 * by state. Served with the shared ones by herd-runtime's /metrics endpoint. Must not import
 * {@code org.libvirt}: it measures the hypervisor through its interface.
 */
package io.herd.agent.metrics;
