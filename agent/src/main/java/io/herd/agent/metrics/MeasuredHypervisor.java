package io.herd.agent.metrics;

import io.herd.agent.hypervisor.DomainEventListener;
import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.HostFacts;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.agent.hypervisor.LaunchResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A hypervisor whose every call is timed by operation and outcome
 * ({@code herd_agent_hypervisor_call_seconds}), with launches and deletes counted by outcome,
 * whether it is degraded, and its domains by state (read at each scrape, from what lifecycle
 * events said changed). Everything else is the wrapped hypervisor's.
 */
public final class MeasuredHypervisor implements Hypervisor {

    private final Hypervisor hypervisor;
    private final Histogram calls;
    private final Counter launches;
    private final Counter deletes;

    /** Wraps {@code hypervisor}, registering its metrics in {@code registry}. */
    public MeasuredHypervisor(Hypervisor hypervisor, PrometheusRegistry registry) {
        this.hypervisor = hypervisor;
        this.calls = Histogram.builder().name("herd_agent_hypervisor_call_seconds")
                .help("time a call to the hypervisor (libvirt) took, by operation and outcome (ok or error)")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .labelNames("operation", "outcome").register(registry);
        this.launches = Counter.builder().name("herd_agent_launches_total")
                .help("launches, by outcome: launched, already_existed or failed")
                .labelNames("outcome").register(registry);
        this.deletes = Counter.builder().name("herd_agent_deletes_total")
                .help("deletes, by outcome: deleted, absent (no such domain) or failed")
                .labelNames("outcome").register(registry);
        // every outcome in the scrape from the start, at 0, so that rates and alerts see them
        for (String outcome : List.of("launched", "already_existed", "failed")) {
            launches.initLabelValues(outcome);
        }
        for (String outcome : List.of("deleted", "absent", "failed")) {
            deletes.initLabelValues(outcome);
        }
        GaugeWithCallback.builder().name("herd_agent_degraded")
                .help("1 while libvirt is unreachable (the agent runs degraded and reconnects), else 0")
                .callback(cb -> cb.call(hypervisor.degraded() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("herd_agent_domains")
                .help("herd's domains on this host by state; none while degraded")
                .labelNames("state").callback(cb -> domainsByState().forEach((state, n) ->
                        cb.call(n, state.name().toLowerCase(Locale.ROOT)))).register(registry);
    }

    private Map<HerdDomain.State, Integer> domainsByState() {
        Map<HerdDomain.State, Integer> counts = new EnumMap<>(HerdDomain.State.class);
        try {
            for (HerdDomain d : hypervisor.listDomains(false)) {
                counts.merge(d.state(), 1, Integer::sum);
            }
        } catch (HypervisorException e) {
            return Map.of();
        }
        for (HerdDomain.State state : HerdDomain.State.values()) {
            counts.putIfAbsent(state, 0);
        }
        return counts;
    }

    /** A call that may fail, for {@link #timed}. */
    private interface Call<T> {
        T run() throws HypervisorException;
    }

    private <T> T timed(String operation, Call<T> call) throws HypervisorException {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.run();
            outcome = "ok";
            return result;
        } finally {
            calls.labelValues(operation, outcome).observe((System.nanoTime() - started) / 1e9);
        }
    }

    @Override
    public HostFacts hostFacts() throws HypervisorException {
        return timed("host_facts", hypervisor::hostFacts);
    }

    @Override
    public HostFacts hostFacts(boolean full) throws HypervisorException {
        return timed("host_facts", () -> hypervisor.hostFacts(full));
    }

    @Override
    public List<HerdDomain> listDomains() throws HypervisorException {
        return timed("list_domains", hypervisor::listDomains);
    }

    @Override
    public List<HerdDomain> listDomains(boolean full) throws HypervisorException {
        return timed("list_domains", () -> hypervisor.listDomains(full));
    }

    @Override
    public LaunchResult launch(DomainSpec spec) throws HypervisorException {
        try {
            LaunchResult result = timed("launch", () -> hypervisor.launch(spec));
            launches.labelValues(result.alreadyExisted() ? "already_existed" : "launched").inc();
            return result;
        } catch (HypervisorException | RuntimeException e) {
            launches.labelValues("failed").inc();
            throw e;
        }
    }

    @Override
    public boolean delete(UUID serverId) throws HypervisorException {
        try {
            boolean deleted = timed("delete", () -> hypervisor.delete(serverId));
            deletes.labelValues(deleted ? "deleted" : "absent").inc();
            return deleted;
        } catch (HypervisorException | RuntimeException e) {
            deletes.labelValues("failed").inc();
            throw e;
        }
    }

    @Override
    public boolean degraded() {
        return hypervisor.degraded();
    }

    @Override
    public void setEventListener(DomainEventListener listener) {
        hypervisor.setEventListener(listener);
    }

    @Override
    public void close() {
        hypervisor.close();
    }
}
