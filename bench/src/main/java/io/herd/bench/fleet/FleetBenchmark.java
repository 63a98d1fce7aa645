package io.herd.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.InsecureChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.ManagedChannel;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Drives one real controller with a simulated fleet and measures it: how long the fleet takes
 * to register, the controller's CPU per heartbeat and the heartbeats' latency with the fleet
 * idle, then the same while CreateServers arrive at a steady rate, and finally an audit of
 * every server against what the hosts run ({@link FleetAudit}). Prints a report and one JSON
 * line; exits 1 when the audit finds a broken promise or a host was marked DOWN.
 */
public final class FleetBenchmark {

    private static final String HEARTBEAT = "herd.v1.AgentRegistry/Heartbeat";
    private static final String CREATE = "herd.v1.ServerService/CreateServers";
    /** The JVM collectors' time and count, by collector. */
    private static final String GC = "jvm_gc_collection_seconds";
    /**
     * The collectors that stop the program: not the ones a concurrent collector reports for its
     * cycles ("ZGC Cycles", "Shenandoah Cycles", "G1 Concurrent GC"), which run beside it.
     */
    static final Predicate<Map<String, String>> GC_PAUSES =
            l -> !l.getOrDefault("gc", "").matches(".*(Cycles|Concurrent).*");

    private final FleetOptions options;
    private final PrintStream out;
    private final Map<String, Object> line = new LinkedHashMap<>();

    FleetBenchmark(FleetOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** {@code herd-bench fleet OPTIONS}; returns the exit code. */
    public static int main(String[] args, PrintStream out, PrintStream err) throws Exception {
        FleetOptions options;
        try {
            options = FleetOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + FleetOptions.USAGE);
            return 2;
        }
        return new FleetBenchmark(options, out).run();
    }

    int run() throws Exception {
        // the groups and the audit's lists; the creates go through a process of their own (LoadProcess)
        ManagedChannel channel = NettyChannelBuilder.forTarget(options.fleet().controller(),
                        InsecureChannelCredentials.create())
                .maxInboundMessageSize(1 << 30).build();
        try (Fleet fleet = new Fleet(options.fleet()).start();
             DownWatch downs = new DownWatch(options.metrics())) {
            if (options.serveOnly()) {
                out.println("serving " + fleet.size() + " simulated hosts; stop with Ctrl-C");
                new java.util.concurrent.CountDownLatch(1).await();
            }
            line.put("hosts", fleet.size());
            double downsBefore = options.metrics() == null ? 0
                    : Scrape.of(options.metrics()).value("herd_hosts_marked_down_total");
            long registering = System.nanoTime();
            downs.awaitUp(fleet.size(), Duration.ofSeconds(Math.max(120, fleet.size() / 200)));
            line.put("registration_s", round((System.nanoTime() - registering) / 1e9));
            // let the first registrations' work (and the JIT) settle before the idle window
            downs.settle(options.fleet().interval().multipliedBy(2));
            fleet.takeHeartbeatLatencies();
            window("idle", fleet, () -> downs.settle(options.window()));
            List<String> groups = groups(ServerGroupServiceGrpc.newBlockingStub(channel));
            CreateLoad.Result[] result = new CreateLoad.Result[1];
            Map<String, Double> buckets;
            try (LoadProcess load = LoadProcess.start(options.fleet().controller(), groups, options.maxInFlight())) {
                if (!options.warmup().isZero()) {
                    load.run(options.rate(), options.warmup());
                    fleet.takeHeartbeatLatencies();
                }
                buckets = window("load", fleet, () -> result[0] = load.run(options.rate(), options.load()));
            }
            report(result[0], buckets);
            FleetAudit.Result audit = settleAndAudit(fleet, channel);
            // the gauge read every second, and the controller's own count of DOWN transitions
            long markedDown = Math.max(downs.maxDown(), (long) (Scrape.of(options.metrics())
                    .value("herd_hosts_marked_down_total") - downsBefore));
            line.put("hosts_marked_down", markedDown);
            line.put("heartbeats_failed", fleet.heartbeatsFailed.sum());
            line.put("heartbeats_late", fleet.heartbeatsLate.sum());
            // copies of servers living elsewhere, which a heartbeat's answer told a host to destroy
            line.put("domains_destroyed_on_request", fleet.destroyed.sum());
            Throwable stopped = fleet.stoppedBy();
            line.put("fleet_stopped_by", stopped == null ? null : stopped.toString());
            out.println(new ObjectMapper().writeValueAsString(line));
            return audit.clean() && markedDown == 0 && stopped == null ? 0 : 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    interface Work {
        void run() throws Exception;
    }

    /**
     * Measures one window: the controller's CPU and handled heartbeats (from its /metrics), and
     * the heartbeats' latency as the fleet saw it.
     *
     * @return the CreateServers handling-time p99 bound from the controller's histogram
     */
    private Map<String, Double> window(String name, Fleet fleet, Work work) throws Exception {
        Scrape before = options.metrics() == null ? null : Scrape.of(options.metrics());
        long sentBefore = fleet.heartbeatsSent.sum();
        long failedBefore = fleet.heartbeatsFailed.sum();
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        Samples.Window hb = fleet.takeHeartbeatLatencies();
        long sent = fleet.heartbeatsSent.sum() - sentBefore;
        line.put(name + "_seconds", round(seconds));
        line.put(name + "_heartbeats_per_s", round(sent / seconds));
        line.put(name + "_heartbeats_failed", fleet.heartbeatsFailed.sum() - failedBefore);
        line.put(name + "_heartbeat_p50_ms", Samples.Window.ms(hb.percentile(0.5)));
        line.put(name + "_heartbeat_p99_ms", Samples.Window.ms(hb.percentile(0.99)));
        line.put(name + "_heartbeat_max_ms", Samples.Window.ms(hb.max()));
        Map<String, Double> bounds = new LinkedHashMap<>();
        if (before != null) {
            Scrape after = Scrape.of(options.metrics());
            double cpu = after.value("process_cpu_seconds_total") - before.value("process_cpu_seconds_total");
            double handled = after.sum("herd_grpc_server_handled_total", l -> HEARTBEAT.equals(l.get("method")))
                    - before.sum("herd_grpc_server_handled_total", l -> HEARTBEAT.equals(l.get("method")));
            line.put(name + "_controller_cpu_cores", round(cpu / seconds));
            line.put(name + "_controller_cpu_us_per_heartbeat", round(cpu / Math.max(1, handled) * 1e6));
            // the collector's pauses stop every call in flight: how many, and how long in all
            double pauses = after.sum(GC + "_count", GC_PAUSES) - before.sum(GC + "_count", GC_PAUSES);
            double pauseSeconds = after.sum(GC + "_sum", GC_PAUSES) - before.sum(GC + "_sum", GC_PAUSES);
            line.put(name + "_controller_gc_pauses", (long) pauses);
            line.put(name + "_controller_gc_pause_percent", round(100 * pauseSeconds / seconds));
            line.put(name + "_controller_gc_pause_mean_ms", pauses == 0 ? 0 : round(pauseSeconds / pauses * 1e3));
            line.put(name + "_heartbeat_handling_p99_bound_ms", boundMs(Scrape.quantileBound(
                    before.buckets("herd_grpc_server_handling_seconds", l -> HEARTBEAT.equals(l.get("method"))),
                    after.buckets("herd_grpc_server_handling_seconds", l -> HEARTBEAT.equals(l.get("method"))),
                    0.99)));
            bounds.put("create_p99", Scrape.quantileBound(
                    before.buckets("herd_grpc_server_handling_seconds", l -> CREATE.equals(l.get("method"))),
                    after.buckets("herd_grpc_server_handling_seconds", l -> CREATE.equals(l.get("method"))), 0.99));
        }
        out.printf("%s window: %.1f s, %.0f heartbeats/s, heartbeat round trip p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                name, seconds, sent / seconds, hb.percentile(0.5) / 1e6, hb.percentile(0.99) / 1e6, hb.max() / 1e6);
        return bounds;
    }

    private void report(CreateLoad.Result r, Map<String, Double> bounds) {
        Samples.Window l = r.latencies();
        line.put("creates_offered_per_s", round(r.offeredPerSecond()));
        line.put("creates_sent", r.sent());
        line.put("servers_created", r.created());
        line.put("create_failures", r.failures().toString());
        line.put("create_p50_ms", Samples.Window.ms(l.percentile(0.5)));
        line.put("create_p99_ms", Samples.Window.ms(l.percentile(0.99)));
        line.put("create_p999_ms", Samples.Window.ms(l.percentile(0.999)));
        line.put("create_max_ms", Samples.Window.ms(l.max()));
        if (bounds.containsKey("create_p99")) {
            line.put("create_handling_p99_bound_ms", boundMs(bounds.get("create_p99")));
        }
        out.printf("creates: %d offered at %.0f/s, %d created, failures %s; latency from due time p50 %.2f ms "
                        + "p99 %.2f ms p99.9 %.2f ms max %.2f ms%n", r.sent(), r.offeredPerSecond(), r.created(),
                r.failures(), l.percentile(0.5) / 1e6, l.percentile(0.99) / 1e6, l.percentile(0.999) / 1e6,
                l.max() / 1e6);
    }

    /**
     * Waits until no server is BUILDING (by the controller's servers-by-status gauge, which
     * costs it far less than listing them), then audits every server and group.
     */
    private FleetAudit.Result settleAndAudit(Fleet fleet, ManagedChannel channel) throws Exception {
        ServerServiceGrpc.ServerServiceBlockingStub servers = ServerServiceGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + options.settle().toNanos();
        long settling = System.nanoTime();
        while (System.nanoTime() < deadline && Scrape.of(options.metrics())
                .sum("herd_servers", l -> "BUILDING".equalsIgnoreCase(l.get("status"))) > 0) {
            TimeUnit.SECONDS.sleep(1);
        }
        line.put("settle_s", round((System.nanoTime() - settling) / 1e9));
        List<Server> all = servers.listServers(ListServersRequest.getDefaultInstance()).getServersList();
        List<ServerGroup> groups = ServerGroupServiceGrpc.newBlockingStub(channel)
                .listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsList();
        FleetAudit.Result audit = FleetAudit.check(fleet, all, groups);
        line.put("servers", audit.servers());
        line.put("active", audit.active());
        line.put("building", audit.building());
        line.put("error", audit.error());
        line.put("active_not_running", audit.notRunning());
        line.put("running_twice", audit.runningTwice());
        line.put("unknown_domains", audit.orphans());
        line.put("hard_violations", audit.hardViolations());
        line.put("groups_reported_non_compliant", groups.stream().filter(g -> g.hasCompliance()
                && !g.getCompliance().getCompliant()).count());
        out.printf("audit: %d servers, %d ACTIVE, %d BUILDING, %d ERROR; %d ACTIVE but not running, %d running twice, "
                        + "%d hard violations%n", audit.servers(), audit.active(), audit.building(), audit.error(),
                audit.notRunning(), audit.runningTwice(), audit.hardViolations());
        audit.examples().forEach(e -> out.println("  " + e));
        return audit;
    }

    /** The groups the servers join: of every ten, four anti-affinity by host, one by rack (two per rack),
     *  one affinity, two soft anti-affinity, one soft affinity, and one slot for servers without a group. */
    private List<String> groups(ServerGroupServiceGrpc.ServerGroupServiceBlockingStub stub) {
        int count = options.groups() > 0 ? options.groups()
                : Math.max(10, (options.rate() * (int) (options.load().plus(options.warmup()).toSeconds())) / 20);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = i % 10;
            CreateServerGroupRequest.Builder g = CreateServerGroupRequest.newBuilder()
                    .setName(String.format("fleet-g%05d", i));
            switch (kind) {
                case 0, 1, 2, 3 -> g.setPolicy(Policy.ANTI_AFFINITY);
                case 4 -> g.setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.RACK).setMaxPerDomain(2);
                case 5 -> g.setPolicy(Policy.AFFINITY);
                case 6, 7 -> g.setPolicy(Policy.SOFT_ANTI_AFFINITY);
                case 8 -> g.setPolicy(Policy.SOFT_AFFINITY);
                default -> {
                    ids.add("");
                    continue;
                }
            }
            ids.add(stub.createServerGroup(g.build()).getId());
        }
        line.put("groups", count - count / 10);
        return ids;
    }

    /**
     * A histogram's quantile bound in ms for the report: a number; "over the largest bucket" when
     * the quantile fell past every finite bound; null when nothing was observed.
     */
    static Object boundMs(double seconds) {
        if (Double.isNaN(seconds)) {
            return null;
        }
        return Double.isInfinite(seconds) ? "over the largest bucket" : round(seconds * 1e3);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
