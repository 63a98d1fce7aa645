package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end load benchmark (not part of the test suite: run it by name, see
 * docs/benchmarks.md). One controller, {@code herd.bench.agents} agent processes on the test
 * driver; measures CreateServers latency (one client, many clients, and a steady offered rate)
 * and servers created → ACTIVE per second; then waits until every server has settled and checks,
 * server by server, that each runs where the controller said and that no group's hard policy is
 * broken ({@link ServerAudit}). The figures are written even when the check fails; so are the
 * processes' logs (the temp dir is kept).
 */
class ControllerLoadBenchmark {

    /** Warm-up servers are created and deleted this many at a time. */
    private static final int WARMUP_ROUND = 5000;

    /** How long the servers may take to settle once the last call is answered. */
    private static final Duration SETTLE = Duration.ofMinutes(5);

    // kept when the benchmark fails: the processes' logs are in its logs/ directory
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void createServersEndToEnd() throws Exception {
        int agents = Integer.getInteger("herd.bench.agents", 50);
        int sequential = Integer.getInteger("herd.bench.sequential", 1000);
        int burst = Integer.getInteger("herd.bench.burst", 5000);
        int warmup = Integer.getInteger("herd.bench.warmup", 25_000);
        int clients = Integer.getInteger("herd.bench.clients", 16);
        int pacedCount = Integer.getInteger("herd.bench.paced", 5000);
        int pacedRate = Integer.getInteger("herd.bench.paced.rate", 500);
        int groupCount = 20;
        // enough room per host for every anti-affinity group's share of the servers
        int maxPerHost = Math.max(4, (Math.min(warmup, WARMUP_ROUND) + sequential + burst + pacedCount) / groupCount / agents + 2);
        Cluster.Options options = new Cluster.Options(5000, List.of("-Xmx1g"),
                List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // herd.bench.store=postgresql: the controller keeps its state in a PostgreSQL of the benchmark's own
        boolean postgres = "postgresql".equals(System.getProperty("herd.bench.store", "sqlite"));
        try (PrivatePostgres pg = postgres ? PrivatePostgres.start() : null;
             Cluster cluster = postgres ? Cluster.sharingPostgres(dir, options, pg.url(), 1)
                     : new Cluster(dir, null, options)) {
            List<Cluster.HostShape> shapes = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                shapes.add(new Cluster.HostShape(String.format("b%02d", i), 32 + 16 * (i % 3), 262_144,
                        "rack" + (i / 10), "zone" + (i / 25)));
            }
            long startAgents = System.nanoTime();
            cluster.startTestAgents(shapes, "--set", "cpu_allocation_ratio=16");
            long agentsUpMs = (System.nanoTime() - startAgents) / 1_000_000;

            List<String> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                Policy policy = g % 2 == 0 ? Policy.ANTI_AFFINITY : Policy.SOFT_ANTI_AFFINITY;
                groups.add(cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder()
                        .setName("bench-" + g).setPolicy(policy).setScope(Scope.HOST)
                        .setMaxPerDomain(policy == Policy.ANTI_AFFINITY ? maxPerHost : 0).build()).getId());
            }

            // warm-up: servers created, then deleted, in rounds, so that the agents and the controller
            // run compiled code before anything is timed, and the hosts hold no more domains than
            // the measured phases leave there
            for (int done = 0; done < warmup; done += WARMUP_ROUND) {
                run(cluster, groups, "warm" + done, Math.min(WARMUP_ROUND, warmup - done), 4,
                        ConcurrentHashMap.newKeySet());
                await().atMost(Duration.ofMinutes(5)).until(() -> cluster.servers.listServers(ListServersRequest
                        .newBuilder().setState(ServerState.SERVER_STATE_BUILDING).build()).getServersCount() == 0);
                deleteAll(cluster, cluster.servers.listServers(ListServersRequest.getDefaultInstance())
                        .getServersList().stream().map(Server::getId).toList(), 4);
            }
            // ids of the servers the measured phases created, for the outcome check
            Set<String> created = ConcurrentHashMap.newKeySet();
            // one client: latency of a single CreateServers (count = 1)
            long[] single = run(cluster, groups, "seq", sequential, 1, created);

            // many clients: latency under load and servers created → ACTIVE per second
            Set<String> active = ConcurrentHashMap.newKeySet();
            AtomicLong snapshot = new AtomicLong();
            Context.CancellableContext watch = Context.current().withCancellation();
            ManagedChannel watchChannel = cluster.channelTo("127.0.0.1:" + cluster.controllerPort);
            ServerServiceGrpc.ServerServiceStub async = ServerServiceGrpc.newStub(watchChannel);
            watch.run(() -> async.watchServers(WatchServersRequest.getDefaultInstance(), new StreamObserver<>() {
                @Override
                public void onNext(ServerEvent e) {
                    if (e.getKind() == ServerEvent.Kind.KIND_SNAPSHOT) {
                        snapshot.incrementAndGet();
                    }
                    if (e.getServer().getState() == ServerState.SERVER_STATE_ACTIVE
                            && e.getServer().getName().startsWith("burst")) {
                        active.add(e.getServer().getId());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            }));
            // the watch is in place once its snapshot (every server so far) has arrived
            await().atMost(Duration.ofMinutes(1)).until(() -> snapshot.get() == sequential);
            String jfr = System.getProperty("herd.bench.jfr", "");
            if (!jfr.isEmpty()) {
                flightRecording(cluster, "JFR.start", "name=burst", "settings=profile");
            }
            long controllerCpu0 = cpuMs(cluster.controller.pid());
            long agentsCpu0 = cluster.agents.values().stream().mapToLong(a -> cpuMs(a.pid())).sum();
            long clientCpu0 = cpuMs(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long[] loaded = run(cluster, groups, "burst", burst, clients, created);
            long acked = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5)).until(() -> active.size() == burst);
            long allActive = System.nanoTime();
            long controllerCpu = cpuMs(cluster.controller.pid()) - controllerCpu0;
            long agentsCpu = cluster.agents.values().stream().mapToLong(a -> cpuMs(a.pid())).sum() - agentsCpu0;
            long clientCpu = cpuMs(ProcessHandle.current().pid()) - clientCpu0;
            watch.cancel(null);
            watchChannel.shutdownNow();

            // a steady offered load: latency of CreateServers at pacedRate calls per second
            ManagedChannel pacedChannel = cluster.channelTo("127.0.0.1:" + cluster.controllerPort);
            long[] paced;
            try {
                paced = paced(ServerServiceGrpc.newStub(pacedChannel), groups, "paced", pacedCount, pacedRate, created);
            } finally {
                pacedChannel.shutdownNow();
            }
            // an answered call means claimed and launch queued: the launches may still be running
            ServerAudit audit = new ServerAudit(cluster);
            ServerAudit.Settling settling = audit.awaitSettled(SETTLE);
            if (!jfr.isEmpty()) {
                Path out = Files.createDirectories(Path.of(jfr).toAbsolutePath());
                flightRecording(cluster, "JFR.dump", "name=burst", "filename=" + out + "/%s.jfr");
            }

            // outcome: every server ACTIVE, with one domain on the host the controller names, and no
            // hard policy broken
            ServerAudit.Result outcome = audit.check(settling, created, groups);

            double seconds = (allActive - t0) / 1e9;
            String line = String.format(java.util.Locale.ROOT, "{\"store\":\"%s\",\"agents\":%d,\"agents_up_ms\":%d,\"warmup\":%d,"
                            + "\"single_client\":{\"calls\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f},"
                            + "\"burst\":{\"calls\":%d,\"clients\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
                            + "\"acks_per_s\":%.0f,\"created_to_active_per_s\":%.0f,\"all_active_s\":%.2f},"
                            + "\"paced\":{\"calls\":%d,\"per_s\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
                            + "\"unsettled_after_last_answer\":%d,\"settled_ms\":%d},"
                            + "\"cpu_ms_per_server\":{\"controller\":%.2f,\"agents\":%.2f,\"benchmark_client\":%.2f},"
                            + "\"servers\":%d,\"domains\":%d,\"hard_violations\":%d,\"problems\":%d}",
                    postgres ? "postgresql" : "sqlite", agents, agentsUpMs, warmup, sequential, pct(single, 50),
                    pct(single, 99), pct(single, 100),
                    burst, clients, pct(loaded, 50), pct(loaded, 99), burst / ((acked - t0) / 1e9),
                    burst / seconds, seconds, pacedCount, pacedRate, pct(paced, 50), pct(paced, 99), pct(paced, 100),
                    settling.unsettledAtStart(), settling.millis(),
                    (double) controllerCpu / burst, (double) agentsCpu / burst, (double) clientCpu / burst,
                    outcome.servers(), outcome.domains(), outcome.hardViolations(), outcome.problems().size());
            System.out.println("CONTROLLER-BENCH " + line);
            Files.writeString(Path.of("target", postgres ? "controller-bench-postgresql.json" : "controller-bench.json"),
                    line + "\n");
            if (!outcome.passed()) {
                // a wrong state the next heartbeats put right is told apart from a lasting one
                outcome = audit.recheck(outcome, created, groups, Duration.ofMillis(3 * options.heartbeatMs()));
                System.out.println("CONTROLLER-BENCH " + outcome.report() + "\nlogs: " + dir.resolve("logs"));
            }
            assertThat(outcome.passed()).as("%s%nlogs: %s", outcome.report(), dir.resolve("logs")).isTrue();
            assertThat(created).as("servers created by the measured phases").hasSize(sequential + burst + pacedCount);
            assertThat(outcome.domains()).isEqualTo(created.size());
        }
    }

    /** Deletes the servers from {@code clients} threads. */
    private static void deleteAll(Cluster cluster, List<String> ids, int clients) throws Exception {
        inParallel(ids.size(), clients,
                i -> cluster.servers.deleteServer(DeleteServerRequest.newBuilder().setId(ids.get(i)).build()));
    }

    /**
     * Sends {@code n} CreateServers (count = 1) from {@code clients} threads and adds the ids of
     * the servers they return to {@code ids}; returns each call's latency in ns.
     */
    private static long[] run(Cluster cluster, List<String> groups, String prefix, int n, int clients,
                              Set<String> ids) throws Exception {
        long[] latencies = new long[n];
        inParallel(n, clients, i -> {
            CreateServersRequest req = request(groups, prefix, i);
            long start = System.nanoTime();
            CreateServersResponse r = cluster.servers.createServers(req);
            latencies[i] = System.nanoTime() - start;
            r.getServersList().forEach(s -> ids.add(s.getId()));
        });
        return latencies;
    }

    /** Calls {@code body} for 0 … n−1, each index once, from {@code threads} threads; rethrows the first failure. */
    static void inParallel(int n, int threads, IntConsumer body) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        body.accept(i);
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Runs a flight-recorder command in the controller and every agent (with
     * {@code -Dherd.bench.jfr=DIR}: a recording of the burst per process, to see where the time
     * goes). A {@code %s} in an argument becomes the process's name.
     */
    private static void flightRecording(Cluster cluster, String command, String... args) throws Exception {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        pids.put("controller", cluster.controller.pid());
        cluster.agents.forEach((name, agent) -> pids.put("agent-" + name, agent.pid()));
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            List<String> cmd = new ArrayList<>(List.of(jcmd, Long.toString(p.getValue()), command));
            for (String a : args) {
                cmd.add(a.replace("%s", p.getKey()));
            }
            Process jc = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(jc.waitFor(1, TimeUnit.MINUTES)).as("jcmd %s", cmd).isTrue();
            assertThat(jc.exitValue()).as("jcmd %s", cmd).isZero();
        }
    }

    /** The i-th server of a phase: 1 vCPU, 64 MiB, diskless, in one of the groups in turn. */
    private static CreateServersRequest request(List<String> groups, String prefix, long i) {
        return CreateServersRequest.newBuilder().setName(prefix + "-" + i).setVcpus(1).setMemoryMib(64)
                .setGroupId(groups.get((int) (i % groups.size()))).build();
    }

    /**
     * Sends {@code n} CreateServers (count = 1) at {@code perSecond} calls per second without
     * waiting for the answers, as many independent clients would; each latency counts from the
     * moment its call was due, so that a stall delays the calls behind it and shows in them. The
     * ids of the servers created are added to {@code ids}.
     */
    private static long[] paced(ServerServiceGrpc.ServerServiceStub async, List<String> groups, String prefix,
                                int n, int perSecond, Set<String> ids) throws InterruptedException {
        long[] latencies = new long[n];
        CountDownLatch answered = new CountDownLatch(n);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long period = 1_000_000_000L / perSecond;
        long start = System.nanoTime() + period;
        for (int i = 0; i < n; i++) {
            long due = start + i * period;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            async.createServers(request(groups, prefix, i), new StreamObserver<>() {
                @Override
                public void onNext(CreateServersResponse r) {
                    r.getServersList().forEach(s -> ids.add(s.getId()));
                }

                @Override
                public void onError(Throwable t) {
                    failed.compareAndSet(null, t);
                    answered.countDown();
                }

                @Override
                public void onCompleted() {
                    latencies[index] = System.nanoTime() - due;
                    answered.countDown();
                }
            });
        }
        assertThat(answered.await(5, TimeUnit.MINUTES)).as("every paced call answered").isTrue();
        assertThat(failed.get()).as("a paced call failed").isNull();
        return latencies;
    }

    /** CPU time (user + system) a process has used, ms, from /proc (Linux). */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name, in clock ticks
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The p-th percentile of latencies in ns, in ms (nearest rank). */
    static double pct(long[] ns, int p) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
