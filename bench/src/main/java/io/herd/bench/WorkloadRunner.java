package io.herd.bench;

import io.herd.controller.placement.GroupSpec;
import io.herd.controller.placement.HostSpec;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Places a workload's requests through the engine, one at a time and in order, timing each decision. */
public final class WorkloadRunner {

    /**
     * What one run measured, and the final assignment (server name → host name).
     *
     * @param latenciesNs each request's decision time, in request order
     * @param placedByRequest whether each request was placed, in request order
     */
    public record Outcome(int placed, int failed, double seconds, long[] latenciesNs, boolean[] placedByRequest,
                          Map<String, String> assignment) {
    }

    private WorkloadRunner() {
    }

    public static PlacementEngine engineFor(Workload workload, Weighing weighing) {
        PlacementEngine engine = new PlacementEngine(weighing);
        for (Workload.Host h : workload.hosts()) {
            engine.upsertHost(HostSpec.of(h.name(), h.rack(), h.zone(), h.vcpus(), h.memoryMib(), h.diskGib(),
                    workload.cpuAllocationRatio(), workload.ramAllocationRatio()));
        }
        for (Workload.Group g : workload.groups()) {
            engine.upsertGroup(new GroupSpec(g.name(), g.name(), policy(g.policy()), scope(g.scopeOrDefault()),
                    g.maxPerDomain()));
        }
        return engine;
    }

    /** Runs the workload once on a fresh engine. */
    public static Outcome run(Workload workload, Weighing weighing) {
        PlacementEngine engine = engineFor(workload, weighing);
        List<Workload.Request> requests = workload.requests();
        PlacementRequest[] prepared = new PlacementRequest[requests.size()];
        for (int i = 0; i < prepared.length; i++) {
            Workload.Request r = requests.get(i);
            prepared[i] = new PlacementRequest(List.of(r.name()), new Resources(r.vcpus(), r.memoryMib(), r.diskGib()),
                    r.group());
        }
        long[] latencies = new long[prepared.length];
        // only the host of each placed server is kept (a string the engine holds anyway): keeping
        // every result would make each young collection of the timed pass copy all of them
        String[] hostByRequest = new String[prepared.length];
        // loading is not measured: let the collector settle the loaded inventory (and any earlier
        // pass's garbage) now rather than in the middle of the timed decisions
        System.gc();
        long start = System.nanoTime();
        for (int i = 0; i < prepared.length; i++) {
            long before = System.nanoTime();
            PlacementResult result = engine.place(prepared[i]);
            latencies[i] = System.nanoTime() - before;
            if (result instanceof PlacementResult.Placed p) {
                hostByRequest[i] = p.allocations().get(0).hostId();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int placed = 0;
        boolean[] placedByRequest = new boolean[prepared.length];
        Map<String, String> assignment = new LinkedHashMap<>();
        for (int i = 0; i < prepared.length; i++) {
            if (hostByRequest[i] != null) {
                placed++;
                placedByRequest[i] = true;
                assignment.put(requests.get(i).name(), hostByRequest[i]);
            }
        }
        return new Outcome(placed, prepared.length - placed, seconds, latencies, placedByRequest, assignment);
    }

    /** The one JSON line of {@code WORKLOAD.md}, with violations counted by {@link ViolationChecker}. */
    public static Map<String, Object> summary(Workload workload, Outcome outcome) {
        long[] sorted = outcome.latenciesNs().clone();
        Arrays.sort(sorted);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("engine", "herd");
        line.put("workload", workload.name());
        line.put("hosts", workload.hosts().size());
        line.put("requests", workload.requests().size());
        line.put("placed", outcome.placed());
        line.put("failed", outcome.failed());
        line.put("hard_violations", ViolationChecker.violations(workload, outcome.assignment()).size());
        line.put("seconds", round(outcome.seconds(), 6));
        line.put("placements_per_s", round(outcome.seconds() > 0 ? outcome.placed() / outcome.seconds() : 0, 1));
        line.put("p50_us", round(percentile(sorted, 0.50) / 1e3, 2));
        line.put("p99_us", round(percentile(sorted, 0.99) / 1e3, 2));
        line.put("p999_us", round(percentile(sorted, 0.999) / 1e3, 2));
        line.put("max_us", round(sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e3, 2));
        line.put("mean_us", round(mean(sorted) / 1e3, 2));
        return line;
    }

    /**
     * The {@code n} slowest decisions, slowest first, each as one JSON-ready line: the request,
     * its time, whether it was placed, and its group's policy, scope and size (requests naming it).
     */
    public static List<Map<String, Object>> slowest(Workload workload, Outcome outcome, int n) {
        Map<String, Workload.Group> groups = new HashMap<>();
        for (Workload.Group g : workload.groups()) {
            groups.put(g.name(), g);
        }
        Map<String, Integer> groupSizes = new HashMap<>();
        for (Workload.Request r : workload.requests()) {
            if (r.group() != null) {
                groupSizes.merge(r.group(), 1, Integer::sum);
            }
        }
        long[] latencies = outcome.latenciesNs();
        Integer[] order = new Integer[latencies.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(latencies[b], latencies[a]));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int k = 0; k < Math.min(n, order.length); k++) {
            int i = order[k];
            Workload.Request r = workload.requests().get(i);
            Workload.Group g = r.group() == null ? null : groups.get(r.group());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("request", r.name());
            line.put("index", i);
            line.put("us", round(latencies[i] / 1e3, 2));
            line.put("placed", outcome.placedByRequest()[i]);
            line.put("policy", g == null ? "none" : g.policy());
            line.put("scope", g == null ? "host" : g.scopeOrDefault());
            line.put("group_size", g == null ? 0 : groupSizes.get(g.name()));
            line.put("memory_mib", r.memoryMib());
            lines.add(line);
        }
        return lines;
    }

    /** The nearest-rank {@code fraction} (0–1) of sorted values; 0 when there are none. */
    public static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double mean(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        double sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    static Policy policy(String name) {
        Map<String, Policy> byName = new HashMap<>();
        for (Policy p : Policy.values()) {
            byName.put(p.displayName(), p);
        }
        Policy policy = byName.get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (policy == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "': use one of " + byName.keySet());
        }
        return policy;
    }

    static Scope scope(String name) {
        try {
            return Scope.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scope '" + name + "': use host, rack or zone", e);
        }
    }
}
