package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenStack compute API next to the gRPC API (not part of the test suite: run it by name,
 * see docs/benchmarks.md). One controller serving both, {@code herd.bench.agents} agent
 * processes on the test driver, as in {@link ControllerLoadBenchmark}. Four measured phases —
 * server-group creates and server creates (count 1, into groups, diskless, one flavor), each
 * from one client and from many — and in each, blocks of calls through the two doors take
 * turns (gRPC, compute API, compute API, gRPC, …), so that whatever else the machine does
 * falls on both alike. Then it checks the outcome as the load benchmark does
 * ({@link ServerAudit}), and that every acknowledged group exists.
 */
class NovaApiBenchmark {

    /** The two ways into the controller. */
    enum Door { GRPC, COMPUTE_API }

    /** One call through a door by client thread {@code client}, the door's {@code index}-th; its latency in ns. */
    @FunctionalInterface
    interface Call {
        long run(Door door, int client, int index) throws Exception;
    }

    /** What one door did in one phase: each call's latency, and the time and CPU its blocks took. */
    static final class Tally {
        final long[] latencies;
        int calls;
        long wallNs;
        long controllerCpuMs;
        long clientCpuMs;

        Tally(int n) {
            latencies = new long[n];
        }

        double perSecond() {
            return calls / (wallNs / 1e9);
        }
    }

    record Phase(String name, int clients, Map<Door, Tally> doors) {
    }

    private static final int GROUPS = 20;
    private static final int WARMUP_CLIENTS = 4;
    /** Warm-up servers per door are created (and deleted) this many at a time. */
    private static final int WARMUP_ROUND = 2500;
    private static final int WARMUP_GROUPS = 2000;
    /** Calls per block before the other door's turn: one client, many clients. */
    private static final int BLOCK_ONE = 100;
    private static final int BLOCK_MANY = 500;
    private static final Duration SETTLE = Duration.ofMinutes(5);

    // kept when the benchmark fails: the processes' logs are in its logs/ directory
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private Cluster cluster;
    private final List<ComputeApiClient> http = new ArrayList<>();

    @Test
    void bothDoors() throws Exception {
        int agents = Integer.getInteger("herd.bench.agents", 50);
        int warmup = Integer.getInteger("herd.bench.warmup", 5000);
        int groupsOne = Integer.getInteger("herd.bench.groups.sequential", 1000);
        int groupsMany = Integer.getInteger("herd.bench.groups.burst", 4000);
        int serversOne = Integer.getInteger("herd.bench.sequential", 1000);
        int serversMany = Integer.getInteger("herd.bench.burst", 3000);
        int clients = Integer.getInteger("herd.bench.clients", 16);
        int measured = 2 * (serversOne + serversMany);
        // enough room per host for every anti-affinity group's share of the servers
        int maxPerHost = Math.max(4, Math.max(2 * Math.min(warmup, WARMUP_ROUND), measured) / GROUPS / agents + 2);
        Cluster.Options options = new Cluster.Options(5000, List.of("-Xmx1g"),
                List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        try (Cluster c = new Cluster(dir, null, options, Cluster.NOVA_API)) {
            cluster = c;
            List<Cluster.HostShape> shapes = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                shapes.add(new Cluster.HostShape(String.format("b%02d", i), 32 + 16 * (i % 3), 262_144,
                        "rack" + (i / 10), "zone" + (i / 25)));
            }
            cluster.startTestAgents(shapes, "--set", "cpu_allocation_ratio=16");
            int port = cluster.novaApiPort();
            for (int i = 0; i < Math.max(clients, WARMUP_CLIENTS); i++) {
                http.add(new ComputeApiClient(port));
            }
            ManagedChannel flavorChannel = cluster.channelTo("127.0.0.1:" + cluster.controllerPort);
            String flavor = FlavorServiceGrpc.newBlockingStub(flavorChannel).createFlavor(CreateFlavorRequest
                    .newBuilder().setName("bench.diskless").setVcpus(1).setMemoryMib(64).setDiskGib(0).build()).getId();
            flavorChannel.shutdownNow();
            List<String> serverGroups = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) {
                Policy policy = g % 2 == 0 ? Policy.ANTI_AFFINITY : Policy.SOFT_ANTI_AFFINITY;
                serverGroups.add(cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder()
                        .setName("bench-" + g).setPolicy(policy).setScope(Scope.HOST)
                        .setMaxPerDomain(policy == Policy.ANTI_AFFINITY ? maxPerHost : 0).build()).getId());
            }

            // warm-up, through both doors: nothing of it is timed; what it creates is deleted again
            Set<String> warmGroups = ConcurrentHashMap.newKeySet();
            alternate(WARMUP_GROUPS, BLOCK_MANY, WARMUP_CLIENTS, groupCreates("warm", warmGroups));
            deleteGroups(warmGroups);
            for (int done = 0; done < warmup; done += WARMUP_ROUND) {
                alternate(Math.min(WARMUP_ROUND, warmup - done), BLOCK_MANY, WARMUP_CLIENTS,
                        serverCreates("warm" + done, flavor, serverGroups, ConcurrentHashMap.newKeySet()));
                await().atMost(SETTLE).until(() -> cluster.servers.listServers(ListServersRequest.newBuilder()
                        .setState(ServerState.SERVER_STATE_BUILDING).build()).getServersCount() == 0);
                deleteServers();
            }
            // the hosts are empty again when the clock starts
            await().atMost(SETTLE).until(() -> cluster.servers.listServers(ListServersRequest.getDefaultInstance())
                    .getServersCount() == 0);

            String jfr = System.getProperty("herd.bench.jfr", "");
            if (!jfr.isEmpty()) {
                flightRecording("JFR.start", "name=nova", "settings=profile");
            }
            Set<String> groupIds = ConcurrentHashMap.newKeySet();
            Set<String> created = ConcurrentHashMap.newKeySet();
            List<Phase> phases = new ArrayList<>();
            touch();
            phases.add(new Phase("server groups", 1, alternate(groupsOne, BLOCK_ONE, 1, groupCreates("g1", groupIds))));
            touch();
            phases.add(new Phase("server groups", clients,
                    alternate(groupsMany, BLOCK_MANY, clients, groupCreates("gn", groupIds))));
            // every acknowledged group exists; they go again (untimed): the server phases do not need them
            Set<String> listed = new HashSet<>(cluster.groups.listServerGroups(ListServerGroupsRequest
                    .getDefaultInstance()).getServerGroupsList().stream().map(ServerGroup::getId).toList());
            List<String> lostGroups = groupIds.stream().filter(id -> !listed.contains(id)).toList();
            deleteGroups(groupIds);
            touch();
            phases.add(new Phase("servers", 1,
                    alternate(serversOne, BLOCK_ONE, 1, serverCreates("s1", flavor, serverGroups, created))));
            touch();
            phases.add(new Phase("servers", clients,
                    alternate(serversMany, BLOCK_MANY, clients, serverCreates("sn", flavor, serverGroups, created))));

            // an answered create means claimed and launch queued: the launches may still be running
            ServerAudit audit = new ServerAudit(cluster);
            ServerAudit.Settling settling = audit.awaitSettled(SETTLE);
            if (!jfr.isEmpty()) {
                Path out = Files.createDirectories(Path.of(jfr).toAbsolutePath());
                flightRecording("JFR.dump", "name=nova", "filename=" + out + "/%s.jfr");
            }
            ServerAudit.Result outcome = audit.check(settling, created, serverGroups);

            String line = report(agents, warmup, phases, outcome, lostGroups.size(), settling);
            Files.writeString(Path.of("target", "nova-api-bench.json"), line + "\n");
            if (!outcome.passed()) {
                outcome = audit.recheck(outcome, created, serverGroups, Duration.ofMillis(3 * options.heartbeatMs()));
                System.out.println("NOVA-API-BENCH " + outcome.report() + "\nlogs: " + dir.resolve("logs"));
            }
            assertThat(outcome.passed()).as("%s%nlogs: %s", outcome.report(), dir.resolve("logs")).isTrue();
            assertThat(lostGroups).as("acknowledged groups the controller does not list").isEmpty();
            assertThat(groupIds).as("groups created by the measured phases").hasSize(2 * (groupsOne + groupsMany));
            assertThat(created).as("servers created by the measured phases").hasSize(measured);
            assertThat(outcome.domains()).isEqualTo(created.size());
        }
    }

    /**
     * Makes {@code perDoor} calls through each door from {@code clients} threads, in blocks of
     * {@code block} calls whose doors take turns A B B A A B B A …, and waits for each block to
     * end before the next begins. A door's rate is its calls over the time its blocks took.
     */
    private Map<Door, Tally> alternate(int perDoor, int block, int clients, Call call) throws Exception {
        Map<Door, Tally> tallies = new EnumMap<>(Door.class);
        for (Door d : Door.values()) {
            tallies.put(d, new Tally(perDoor));
        }
        long controller = cluster.controller.pid();
        long self = ProcessHandle.current().pid();
        int blocks = 2 * ((perDoor + block - 1) / block);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int k = 0; k < blocks; k++) {
                Door door = k % 4 == 0 || k % 4 == 3 ? Door.GRPC : Door.COMPUTE_API;
                Tally t = tallies.get(door);
                int end = Math.min(perDoor, t.calls + block);
                AtomicInteger next = new AtomicInteger(t.calls);
                long controllerCpu = ControllerLoadBenchmark.cpuMs(controller);
                long clientCpu = ControllerLoadBenchmark.cpuMs(self);
                long start = System.nanoTime();
                List<Future<?>> workers = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < end; i = next.getAndIncrement()) {
                            t.latencies[i] = call.run(door, client, i);
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get(10, TimeUnit.MINUTES);
                }
                t.wallNs += System.nanoTime() - start;
                t.controllerCpuMs += ControllerLoadBenchmark.cpuMs(controller) - controllerCpu;
                t.clientCpuMs += ControllerLoadBenchmark.cpuMs(self) - clientCpu;
                t.calls = end;
            }
        } finally {
            pool.shutdown();
        }
        return tallies;
    }

    /**
     * Creates anti-affinity groups (at most 2 members per host) named {@code prefix-door-i};
     * their ids go to {@code ids}. Requests are built before the clock starts; the gRPC stub
     * serialises its request inside the call, the compute API's body is written before.
     */
    private Call groupCreates(String prefix, Set<String> ids) {
        return (door, client, i) -> {
            String name = prefix + "-" + door.ordinal() + "-" + i;
            String id;
            long start;
            if (door == Door.GRPC) {
                CreateServerGroupRequest request = CreateServerGroupRequest.newBuilder().setName(name)
                        .setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST).setMaxPerDomain(2).build();
                start = System.nanoTime();
                id = cluster.groups.createServerGroup(request).getId();
            } else {
                HttpRequest request = http.get(client).serverGroup(name, 2);
                start = System.nanoTime();
                id = http.get(client).create(request, "server_group");
            }
            long latency = System.nanoTime() - start;
            ids.add(id);
            return latency;
        };
    }

    /** Creates one diskless server of the flavor, in each of the groups in turn; their ids go to {@code ids}. */
    private Call serverCreates(String prefix, String flavor, List<String> groups, Set<String> ids) {
        return (door, client, i) -> {
            String name = prefix + "-" + door.ordinal() + "-" + i;
            String group = groups.get(i % groups.size());
            String id;
            long start;
            if (door == Door.GRPC) {
                CreateServersRequest request = CreateServersRequest.newBuilder().setName(name).setFlavor(flavor)
                        .setGroupId(group).setCount(1).build();
                start = System.nanoTime();
                id = cluster.servers.createServers(request).getServers(0).getId();
            } else {
                HttpRequest request = http.get(client).server(name, flavor, group);
                start = System.nanoTime();
                id = http.get(client).create(request, "server");
            }
            long latency = System.nanoTime() - start;
            ids.add(id);
            return latency;
        };
    }

    /** A GET on every compute API client, so that none pays for a connect inside a timed call. */
    private void touch() throws Exception {
        for (ComputeApiClient c : http) {
            c.touch();
        }
    }

    private void deleteGroups(Set<String> ids) throws Exception {
        List<String> all = List.copyOf(ids);
        parallel(all.size(), i -> cluster.groups.deleteServerGroup(DeleteServerGroupRequest.newBuilder()
                .setId(all.get(i)).build()));
    }

    private void deleteServers() throws Exception {
        List<String> all = cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()
                .stream().map(Server::getId).toList();
        parallel(all.size(), i -> cluster.servers.deleteServer(DeleteServerRequest.newBuilder()
                .setId(all.get(i)).build()));
    }

    /** Calls {@code body} for 0 … n−1 from the warm-up's number of threads (untimed housekeeping). */
    private static void parallel(int n, IntConsumer body) throws Exception {
        ControllerLoadBenchmark.inParallel(n, WARMUP_CLIENTS, body);
    }

    /** A flight-recorder command in the controller and in this JVM (the clients); {@code %s} becomes the name. */
    private void flightRecording(String command, String... args) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (Map.Entry<String, Long> p : Map.of("controller", cluster.controller.pid(),
                "benchmark", ProcessHandle.current().pid()).entrySet()) {
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

    /** Prints the table, with the compute API / gRPC ratio of every figure; returns the figures as one JSON line. */
    private static String report(int agents, int warmup, List<Phase> phases, ServerAudit.Result outcome, int lostGroups,
                                 ServerAudit.Settling settling) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n%-26s %-12s %7s %10s %8s %8s %14s %14s%n", "phase", "door", "calls", "creates/s", "p50 ms",
                "p99 ms", "ctrl CPU ms/op", "client CPU ms/op"));
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"agents\":%d,\"warmup_servers_per_door\":%d,\"phases\":[", agents, warmup));
        for (Phase p : phases) {
            String name = p.name() + ", " + p.clients() + (p.clients() == 1 ? " client" : " clients");
            double[][] f = new double[2][];
            for (Door d : Door.values()) {
                Tally t = p.doors().get(d);
                f[d.ordinal()] = new double[] {t.perSecond(), ControllerLoadBenchmark.pct(t.latencies, 50),
                    ControllerLoadBenchmark.pct(t.latencies, 99), (double) t.controllerCpuMs / t.calls,
                    (double) t.clientCpuMs / t.calls};
                table.append(String.format(Locale.ROOT, "%-26s %-12s %7d %10.0f %8.2f %8.2f %14.2f %14.2f%n", name,
                        d == Door.GRPC ? "gRPC" : "compute API", t.calls, f[d.ordinal()][0], f[d.ordinal()][1],
                        f[d.ordinal()][2], f[d.ordinal()][3], f[d.ordinal()][4]));
            }
            double[] ratio = new double[5];
            for (int i = 0; i < ratio.length; i++) {
                ratio[i] = f[1][i] / f[0][i];
            }
            table.append(String.format(Locale.ROOT, "%-26s %-12s %7s %9.2fx %7.2fx %7.2fx %13.2fx %13.2fx%n", name,
                    "API / gRPC", "", ratio[0], ratio[1], ratio[2], ratio[3], ratio[4]));
            json.append(String.format(Locale.ROOT, "%s{\"phase\":\"%s\",\"clients\":%d",
                    p == phases.get(0) ? "" : ",", p.name(), p.clients()));
            for (Door d : Door.values()) {
                double[] x = f[d.ordinal()];
                json.append(String.format(Locale.ROOT, ",\"%s\":{\"calls\":%d,\"per_s\":%.0f,\"p50_ms\":%.2f,"
                                + "\"p99_ms\":%.2f,\"controller_cpu_ms\":%.2f,\"client_cpu_ms\":%.2f}",
                        d == Door.GRPC ? "grpc" : "compute_api", p.doors().get(d).calls, x[0], x[1], x[2], x[3], x[4]));
            }
            json.append(String.format(Locale.ROOT, ",\"ratio\":{\"per_s\":%.2f,\"p50\":%.2f,\"p99\":%.2f}}", ratio[0],
                    ratio[1], ratio[2]));
        }
        json.append(String.format(Locale.ROOT, "],\"unsettled_after_last_answer\":%d,\"settled_ms\":%d,\"servers\":%d,"
                        + "\"domains\":%d,\"hard_violations\":%d,\"problems\":%d,\"lost_groups\":%d}",
                settling.unsettledAtStart(), settling.millis(), outcome.servers(), outcome.domains(),
                outcome.hardViolations(), outcome.problems().size(), lostGroups));
        System.out.println("NOVA-API-BENCH" + table);
        System.out.println("NOVA-API-BENCH " + json);
        return json.toString();
    }
}
