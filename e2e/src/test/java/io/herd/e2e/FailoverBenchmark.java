package io.herd.e2e;

import io.herd.api.v1.CreateServersRequest;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.PostgresTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover time (not part of the test suite: run it by name, see docs/benchmarks.md): two
 * controllers (-Xmx1g, default lease) on a PostgreSQL of the benchmark's own that holds
 * {@code herd.bench.hosts} hosts and {@code herd.bench.servers} ACTIVE servers, one real agent,
 * heartbeat interval 5 s. The leader is killed with SIGKILL {@code herd.bench.failovers} times;
 * each time the figure is the time from the kill to the first create a leader-following client
 * gets acknowledged by the new leader. The killed controller is started again, and the next kill
 * waits until it is a ready standby (it has loaded the store once).
 */
class FailoverBenchmark {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void fromTheLeadersDeathToTheFirstCreateOnItsSuccessor() throws Exception {
        int hosts = Integer.getInteger("herd.bench.hosts", 10_000);
        int servers = Integer.getInteger("herd.bench.servers", 100_000);
        int failovers = Integer.getInteger("herd.bench.failovers", 5);
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            long fillMs = fill(pg, hosts, servers);
            Cluster.Options options = new Cluster.Options(5000, List.of("-Xmx1g"),
                    List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
            try (Cluster cluster = Cluster.sharingPostgres(dir, options, pg.url(), 2);
                 LeaderFollowingClient client = new LeaderFollowingClient(cluster.controllerList())) {
                cluster.startTestAgents(List.of(new Cluster.HostShape("live", 64, 262_144, "rack-live", "zone-live")),
                        "--set", "cpu_allocation_ratio=16");
                client.create(request("warm"), Duration.ofSeconds(60));
                List<Long> times = new ArrayList<>();
                List<String> phases = new ArrayList<>();
                for (int i = 0; i < failovers; i++) {
                    int leader = cluster.awaitLeader(Cluster.START);
                    // a standby is ready once it has loaded the store (see ControllerTerms.rehearse)
                    JavaProcess standby = cluster.controller(1 - leader);
                    standby.awaitLog("standing by with the store loaded once", Cluster.START);
                    long killedAt = System.currentTimeMillis();
                    long killed = System.nanoTime();
                    cluster.controller(leader).kill9();
                    client.create(request("after-kill-" + i), Duration.ofSeconds(60));
                    times.add((System.nanoTime() - killed) / 1_000_000);
                    // where the time went, from the logs: takeover, state loaded and serving, the agent's first heartbeat
                    phases.add(String.format(Locale.ROOT, "{\"leading_ms\": %d, \"serving_ms\": %d, \"agent_ms\": %d}",
                            logged(standby.stderr, "leading in term", killedAt),
                            logged(standby.stderr, "serving as leader of term", killedAt),
                            logged(cluster.agents.get("live").stderr, "heartbeats now go to", killedAt)));
                    cluster.startController(leader);
                }
                List<Long> sorted = times.stream().sorted().toList();
                String json = String.format(Locale.ROOT, "{\"hosts\": %d, \"servers\": %d, \"fill_ms\": %d, "
                                + "\"failover_ms\": %s, \"median_ms\": %d, \"max_ms\": %d, \"phases\": %s}", hosts,
                        servers, fillMs, times, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), phases);
                Files.writeString(Path.of("target", "failover-bench.json"), json + "\n");
                System.out.println("failover benchmark: " + json);
            }
        }
    }

    /** Milliseconds from {@code since} (epoch ms) to the first line after it that contains {@code text}; -1 if none. */
    private static long logged(Path log, String text, long since) throws java.io.IOException {
        for (String line : Files.readAllLines(log)) {
            if (line.length() > 24 && line.contains(text)) {
                long at = Instant.parse(line.substring(0, 24)).toEpochMilli();
                if (at >= since) {
                    return at - since;
                }
            }
        }
        return -1;
    }

    private static CreateServersRequest request(String name) {
        return CreateServersRequest.newBuilder().setName(name).setVcpus(1).setMemoryMib(64).setRequestId(name)
                .build();
    }

    /**
     * Writes the store as a fleet leaves it: hosts in racks of 40 and 3 zones, anti-affinity
     * groups of 5 members on distinct hosts, every server ACTIVE with its request id.
     */
    private static long fill(PrivatePostgres pg, int hostCount, int serverCount) {
        long started = System.nanoTime();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        HostCapacity capacity = new HostCapacity(64, 262_144, 2_000, 2_000, 0, 0, 0, 4.0, 1.0);
        try (PostgresStore store = PostgresStore.open(PostgresTarget.parse(pg.url(), ""))) {
            List<Mutation> batch = new ArrayList<>();
            for (int h = 0; h < hostCount; h++) {
                batch.add(new Mutation.UpsertHost(new HostRecord("host-" + h, "hv-" + h, "rack-" + h / 40,
                        "zone-" + h % 3, "10.1." + h / 250 + "." + h % 250 + ":7701", capacity, Resources.ZERO,
                        Resources.ZERO, "ACCELERATION_KVM", "0.1.0", true, "", false, false, "", t, List.of(), null,
                        List.of(), false, null, true)));
                flush(store, batch, 2_000);
            }
            flush(store, batch, 0);
            int groups = serverCount / 5;
            for (int g = 0; g < groups; g++) {
                batch.add(new Mutation.InsertGroup(new GroupRecord("group-" + g, "group-" + g, Policy.ANTI_AFFINITY,
                        Scope.HOST, 1, t, HostFailurePolicy.NONE)));
                flush(store, batch, 2_000);
            }
            flush(store, batch, 0);
            for (int s = 0; s < serverCount; s++) {
                int group = s / 5;
                String host = "host-" + (group * 7 + s % 5) % hostCount;
                batch.add(new Mutation.InsertServers("request-" + s, List.of(new ServerRecord("server-" + s,
                        "server-" + s, "group-" + group, host, ServerStatus.ACTIVE, "", 1, 512, 0, "", "",
                        "request-" + s, t, t, "", "bench.small", Map.of("tier", "web")))));
                flush(store, batch, 2_000);
            }
            flush(store, batch, 0);
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static void flush(PostgresStore store, List<Mutation> batch, int atLeast) {
        if (!batch.isEmpty() && batch.size() >= atLeast) {
            store.apply(batch);
            batch.clear();
        }
    }
}
