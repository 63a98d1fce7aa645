package io.herd.bench.fleet;

import java.net.URI;
import java.time.Duration;

/** The command line of {@code herd-bench fleet}. */
record FleetOptions(Fleet.Settings fleet, URI metrics, boolean serveOnly, Duration window, int rate,
                    Duration warmup, Duration load, int groups, int maxInFlight, Duration settle) {

    static final String USAGE = """
            usage: herd-bench fleet --controller HOST:PORT --metrics URL [options]
              --hosts N               simulated hosts (default 10000)
              --interval-ms MS        heartbeat interval; the controller's heartbeat_interval_ms (default 5000)
              --agent-port PORT       AgentService port, served at 127.1.0.0 + host index (default 17800)
              --channels N            connections the heartbeats share (default 8)
              --launch-delay-ms MS    time a launch takes (default 0)
              --hosts-per-rack N      (default 40)   --zones N  (default 3)
              --window-s S            idle measuring window (default 30)
              --rate N                CreateServers per second during the load (default 500)
              --warmup-s S            unmeasured load first (default 10)
              --load-s S              measured load (default 60)
              --groups N              server groups the servers join (default: one per 20 servers)
              --max-in-flight N       unanswered creates at most (default 5000)
              --settle-s S            how long servers may take to be ACTIVE after the load (default 120)
              --serve                 only run the fleet, until stopped""";

    static FleetOptions parse(String[] args) {
        String controller = null;
        URI metrics = null;
        boolean serve = false;
        int hosts = 10_000;
        long interval = 5000;
        int port = 17800;
        int channels = 8;
        long launchDelay = 0;
        int perRack = 40;
        int zones = 3;
        long window = 30;
        int rate = 500;
        long warmup = 10;
        long load = 60;
        int groups = 0;
        int inFlight = 5000;
        long settle = 120;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--serve")) {
                serve = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--controller" -> controller = v;
                case "--metrics" -> metrics = URI.create(v);
                case "--hosts" -> hosts = Integer.parseInt(v);
                case "--interval-ms" -> interval = Long.parseLong(v);
                case "--agent-port" -> port = Integer.parseInt(v);
                case "--channels" -> channels = Integer.parseInt(v);
                case "--launch-delay-ms" -> launchDelay = Long.parseLong(v);
                case "--hosts-per-rack" -> perRack = Integer.parseInt(v);
                case "--zones" -> zones = Integer.parseInt(v);
                case "--window-s" -> window = Long.parseLong(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--warmup-s" -> warmup = Long.parseLong(v);
                case "--load-s" -> load = Long.parseLong(v);
                case "--groups" -> groups = Integer.parseInt(v);
                case "--max-in-flight" -> inFlight = Integer.parseInt(v);
                case "--settle-s" -> settle = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unexpected argument " + a);
            }
        }
        if (controller == null) {
            throw new IllegalArgumentException("--controller is required");
        }
        if (metrics == null && !serve) {
            throw new IllegalArgumentException("--metrics is required (the controller's metrics.listen, as "
                    + "http://HOST:PORT/metrics)");
        }
        if (rate < 1 || inFlight < 1) {
            throw new IllegalArgumentException("--rate and --max-in-flight must be positive");
        }
        return new FleetOptions(new Fleet.Settings(hosts, controller, port, Duration.ofMillis(interval), channels,
                Duration.ofMillis(launchDelay), perRack, zones), metrics, serve, Duration.ofSeconds(window), rate,
                Duration.ofSeconds(warmup), Duration.ofSeconds(load), groups, inFlight, Duration.ofSeconds(settle));
    }
}
