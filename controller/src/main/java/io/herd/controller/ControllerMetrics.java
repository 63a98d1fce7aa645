package io.herd.controller;

import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.CoreMetrics;
import io.herd.controller.core.StateCounts;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Rejection;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The controller's own metrics (docs/metrics.md), in the registry /metrics serves: what the
 * core tells as it works (placement decisions, claims and refusals, launches, retries, moves
 * and evacuations, the time servers take to turn ACTIVE, store commits), and, computed at each
 * scrape from the current term's core, servers by status, hosts by state, the age of the hosts'
 * heartbeats and the groups breaking their policy. A standby, which has no core, shows no
 * servers and no hosts. Every series of a bounded label is there from the start, at 0.
 */
final class ControllerMetrics implements CoreMetrics {

    /** The heartbeat-age quantiles shown. */
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 1.0};
    private static final String EVACUATION = "evacuation";
    private static final String MIGRATION = "migration";
    private static final String LAUNCH_RETRY = "launch_retry";

    private final Counter decisions;
    private final Histogram decisionSeconds;
    private final Counter refusals;
    private final Counter claims;
    private final Counter launches;
    private final Histogram launchSeconds;
    private final Counter retries;
    private final Histogram storeSeconds;
    private final Histogram storeBatch;
    private final Counter storeFailures;
    private final Counter moves;
    private final Counter evacuations;
    private final Counter hostsDown;
    private final Histogram timeToActive;

    /**
     * Registers every metric in {@code registry}.
     *
     * @param core the core of the current term, if this controller leads
     */
    ControllerMetrics(PrometheusRegistry registry, Supplier<Optional<ControllerCore>> core) {
        decisions = Counter.builder().name("herd_placement_decisions_total")
                .help("placement decisions (creates and moves), by outcome: placed or no_valid_host")
                .labelNames("outcome").register(registry);
        decisionSeconds = Histogram.builder().name("herd_placement_decision_seconds")
                .help("time a placement decision took, the wait for the inventory's lock included")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
        refusals = Counter.builder().name("herd_placement_refusals_total")
                .help("placement decisions that found no host, by the filter that turned the most hosts away "
                        + "(none: no host was turned away, there are none or those that pass lack room)")
                .labelNames("reason").register(registry);
        claims = Counter.builder().name("herd_placement_claims_total")
                .help("servers placed, each claiming room on its host (creates and moves)")
                .register(registry);
        launches = Counter.builder().name("herd_launches_total")
                .help("launch calls to agents, by outcome: succeeded or failed")
                .labelNames("outcome").register(registry);
        launchSeconds = Histogram.builder().name("herd_launch_seconds")
                .help("time a launch call to an agent took, by outcome")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
                .labelNames("outcome").register(registry);
        retries = Counter.builder().name("herd_launch_retries_total")
                .help("servers whose launch failed, placed on another host to be tried there")
                .register(registry);
        storeSeconds = Histogram.builder().name("herd_store_commit_seconds")
                .help("time one store transaction (a batch of changes) took")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5)
                .register(registry);
        storeBatch = Histogram.builder().name("herd_store_commit_batch_size")
                .help("changes written in one store transaction")
                .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
                .register(registry);
        storeFailures = Counter.builder().name("herd_store_commit_failures_total")
                .help("store transactions that failed (retried while their changes must land)")
                .register(registry);
        moves = Counter.builder().name("herd_server_moves_total")
                .help("servers placed on another host to be launched there, by reason: evacuation, migration "
                        + "(one server or a drain) or launch_retry")
                .labelNames("reason").register(registry);
        evacuations = Counter.builder().name("herd_evacuations_total")
                .help("evacuations of DOWN hosts begun, by trigger: host_down (its grace period ran out) or operator")
                .labelNames("trigger").register(registry);
        hostsDown = Counter.builder().name("herd_hosts_marked_down_total")
                .help("hosts marked DOWN for missing their heartbeats (each time one goes down)")
                .register(registry);
        timeToActive = Histogram.builder().name("herd_server_time_to_active_seconds")
                .help("time from a server's creation to its first ACTIVE, for servers created on this leader")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800)
                .register(registry);
        registry.register(new States(core));
        initLabels();
    }

    /** Puts every series of a bounded label in the scrape at 0, so that rates and alerts see them from the start. */
    private void initLabels() {
        decisions.initLabelValues("placed");
        decisions.initLabelValues("no_valid_host");
        refusals.initLabelValues("none");
        for (Rejection r : Rejection.values()) {
            refusals.initLabelValues(r.name().toLowerCase(Locale.ROOT));
        }
        for (String outcome : new String[] {"succeeded", "failed"}) {
            launches.initLabelValues(outcome);
            launchSeconds.initLabelValues(outcome);
        }
        for (String reason : new String[] {EVACUATION, MIGRATION, LAUNCH_RETRY}) {
            moves.initLabelValues(reason);
        }
        evacuations.initLabelValues("host_down");
        evacuations.initLabelValues("operator");
    }

    @Override
    public void hostMarkedDown() {
        hostsDown.inc();
    }

    @Override
    public void placementDecided(boolean placed, int claimed, Map<Rejection, Integer> rejections, long nanos) {
        decisions.labelValues(placed ? "placed" : "no_valid_host").inc();
        claims.inc(claimed);
        decisionSeconds.observe(nanos / 1e9);
        if (!placed) {
            refusals.labelValues(mainReason(rejections)).inc();
        }
    }

    /** The filter that turned the most hosts away (the first in declaration order on a tie). */
    static String mainReason(Map<Rejection, Integer> rejections) {
        return rejections.entrySet().stream()
                .max(Comparator.<Map.Entry<Rejection, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(e -> -e.getKey().ordinal()))
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT))
                .orElse("none");
    }

    @Override
    public void launchFinished(boolean succeeded, long nanos) {
        String outcome = succeeded ? "succeeded" : "failed";
        launches.labelValues(outcome).inc();
        launchSeconds.labelValues(outcome).observe(nanos / 1e9);
    }

    @Override
    public void launchRetried() {
        retries.inc();
        moves.labelValues(LAUNCH_RETRY).inc();
    }

    @Override
    public void serversMoved(HistoryEntry.Event why, int servers) {
        moves.labelValues(why == HistoryEntry.Event.EVACUATED ? EVACUATION : MIGRATION).inc(servers);
    }

    @Override
    public void hostEvacuated(boolean byOperator) {
        evacuations.labelValues(byOperator ? "operator" : "host_down").inc();
    }

    @Override
    public void serverActivated(Duration sinceCreated) {
        timeToActive.observe(Math.max(0, sinceCreated.toNanos()) / 1e9);
    }

    @Override
    public void storeWritten(int mutations, boolean committed, long nanos) {
        if (!committed) {
            storeFailures.inc();
            return;
        }
        storeSeconds.observe(nanos / 1e9);
        storeBatch.observe(mutations);
    }

    /** Servers by status, hosts by state and heartbeat ages, counted once per scrape. */
    private record States(Supplier<Optional<ControllerCore>> core) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            Optional<StateCounts> counts = core.get().map(ControllerCore::stateCounts);
            GaugeSnapshot.Builder servers = GaugeSnapshot.builder().name("herd_servers")
                    .help("servers by status, on the leader");
            for (ServerStatus status : ServerStatus.values()) {
                servers.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("status", status.name().toLowerCase(Locale.ROOT)))
                        .value(counts.map(c -> c.servers().get(status)).orElse(0)).build());
            }
            GaugeSnapshot.Builder hosts = GaugeSnapshot.builder().name("herd_hosts")
                    .help("hosts by state (down, degraded, cordoned, up: the first that holds), on the leader");
            for (StateCounts.HostState state : StateCounts.HostState.values()) {
                hosts.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("state", state.name().toLowerCase(Locale.ROOT)))
                        .value(counts.map(c -> c.hosts().get(state)).orElse(0)).build());
            }
            double[] ages = counts.map(StateCounts::heartbeatAgesSeconds).orElse(new double[0]);
            Quantiles.Builder quantiles = Quantiles.builder();
            if (ages.length > 0) {
                for (double q : QUANTILES) {
                    quantiles.quantile(new Quantile(q, counts.get().heartbeatAgeQuantile(q)));
                }
            }
            double sum = 0;
            for (double age : ages) {
                sum += age;
            }
            SummarySnapshot heartbeats = SummarySnapshot.builder().name("herd_host_heartbeat_age_seconds")
                    .help("seconds since each up host's last heartbeat, over the hosts now up, on the leader")
                    .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                            .quantiles(quantiles.build()).count(ages.length).sum(sum).build())
                    .build();
            GaugeSnapshot groups = GaugeSnapshot.builder().name("herd_groups_non_compliant")
                    .help("server groups whose hard policy does not hold over their members, on the leader")
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .value(counts.map(StateCounts::nonCompliantGroups).orElse(0)).build())
                    .build();
            return MetricSnapshots.of(servers.build(), hosts.build(), heartbeats, groups);
        }
    }
}
