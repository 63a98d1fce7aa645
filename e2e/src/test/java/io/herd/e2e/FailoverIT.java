package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.runtime.grpc.Leadership;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on a PostgreSQL server of the test's own, test-driver agents given both
 * controllers, and clients that follow the leader as docs/operations.md says. The leader is
 * killed (SIGKILL) at random points of a stream of creates, paused (SIGSTOP) until the standby
 * took over, and the database is crashed and restarted under load. Each time: every acknowledged
 * server is there exactly once, every domain runs on exactly one agent (on the host the
 * controller names), no hard policy is broken, and a replayed request_id returns the same servers.
 */
class FailoverIT {

    private static final List<Cluster.HostShape> HOSTS = List.of(
            new Cluster.HostShape("f1", 16, 32_768, "r1", "z1"),
            new Cluster.HostShape("f2", 16, 32_768, "r2", "z1"),
            new Cluster.HostShape("f3", 16, 32_768, "r3", "z2"),
            new Cluster.HostShape("f4", 16, 32_768, "r4", "z2"));
    /** Strict anti-affinity groups (one member per host): each holds at most {@link #HOSTS}.size() members. */
    private static final int ANTI_GROUPS = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;
    private PrivatePostgres pg;
    private Cluster cluster;
    private Load load;

    @AfterEach
    void stop() {
        if (load != null) {
            load.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private void startCluster() throws Exception {
        pg = PrivatePostgres.start();
        cluster = Cluster.sharingPostgres(dir, Cluster.Options.TESTS, pg.url(), 2, "--set", "ha.lease_ms=1000");
        cluster.startTestAgents(HOSTS, "--set", "cpu_allocation_ratio=16");
        for (int g = 0; g < ANTI_GROUPS; g++) {
            cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("anti-" + g)
                    .setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST).setMaxPerDomain(1).build());
        }
        cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("together")
                .setPolicy(Policy.AFFINITY).setScope(Scope.HOST).build());
        load = new Load(cluster.controllerList());
    }

    @Test
    void theLeaderKilledAtTenRandomPointsOfABurstLosesNothingAcknowledged() throws Exception {
        startCluster();
        Random random = new Random();
        load.start();
        for (int kill = 0; kill < 10; kill++) {
            // a random point: after a random number of further creates were acknowledged (0: at once)
            int target = load.acknowledged.size() + random.nextInt(25);
            await("creates acknowledged").atMost(PATIENCE).until(() -> load.acknowledged.size() >= target);
            int leader = cluster.awaitLeader(Cluster.START);
            cluster.controller(leader).kill9();
            cluster.startController(leader);
            cluster.awaitLeader(Cluster.START);
        }
        int before = load.acknowledged.size();
        await("creates acknowledged after the last failover").atMost(PATIENCE)
                .until(() -> load.acknowledged.size() >= before + 10);
        load.finish();
        assertThat(load.client.retries.get()).as("creates cut off by the kills and retried").isPositive();
        checkOutcome();
    }

    @Test
    void aPausedLeaderWritesNothingOnceTheStandbyTookOverThenStepsDownAndFollows() throws Exception {
        startCluster();
        pg.execute(WriteAudit.INSTALL);
        load.start();
        int first = load.acknowledged.size();
        await().atMost(PATIENCE).until(() -> load.acknowledged.size() >= first + 20);
        int paused = cluster.awaitLeader(Cluster.START);
        int other = 1 - paused;
        String pausedName = "herd-controller 127.0.0.1:" + cluster.controllerPort;
        cluster.controller(paused).pause();
        try {
            assertThat(cluster.awaitLeader(Cluster.START)).isEqualTo(other);
        } catch (RuntimeException | AssertionError e) {
            cluster.controller(paused).resume();
            throw e;
        }
        String takenOverAt = pg.query("SELECT clock_timestamp()::text");
        int during = load.acknowledged.size();
        await().atMost(PATIENCE).until(() -> load.acknowledged.size() >= during + 20);

        cluster.controller(paused).resume();
        cluster.controller(paused).awaitLog("stepping down from term", Cluster.START);
        String leaderAddress = "127.0.0.1:" + cluster.controllerPort;
        io.grpc.ManagedChannel channel = cluster.channelTo("127.0.0.1:" + portOf(paused));
        try {
            await("the old leader follows").atMost(Cluster.START).untilAsserted(() -> {
                assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance())
                        .getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
                StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                        () -> io.herd.api.v1.ServerGroupServiceGrpc.newBlockingStub(channel)
                                .listServerGroups(ListServerGroupsRequest.getDefaultInstance()),
                        StatusRuntimeException.class);
                assertThat(refused).isNotNull();
                assertThat(Leadership.leaderOf(refused)).contains(leaderAddress);
            });
        } finally {
            channel.shutdownNow();
        }
        load.finish();
        assertThat(pg.query("SELECT count(*) FROM write_audit WHERE app = '" + pausedName + "' AND at > '"
                + takenOverAt + "'")).as("writes of the paused leader after the takeover").isEqualTo("0");
        assertThat(Integer.parseInt(pg.query("SELECT count(*) FROM write_audit WHERE app <> '" + pausedName
                + "' AND at > '" + takenOverAt + "'"))).as("writes of the new leader (the audit works)").isPositive();
        checkOutcome();
    }

    @Test
    void theDatabaseCrashedAndRestartedUnderLoadLosesNothingAndTheControllersRecoverByThemselves() throws Exception {
        startCluster();
        load.start();
        int first = load.acknowledged.size();
        await().atMost(PATIENCE).until(() -> load.acknowledged.size() >= first + 20);
        pg.crash();
        for (int i = 0; i < cluster.controllerCount(); i++) {
            int port = portOf(i);
            await("controller " + i + " stops serving").atMost(Cluster.START).until(() -> !serving(port));
        }
        int whileDown = load.acknowledged.size();
        pg.startServer();
        cluster.awaitLeader(Cluster.START);
        await().atMost(PATIENCE).until(() -> load.acknowledged.size() >= whileDown + 20);
        load.finish();
        checkOutcome();
    }

    private int portOf(int controller) {
        return Integer.parseInt(cluster.controllerList().split(",")[controller].split(":")[1]);
    }

    private boolean serving(int port) {
        io.grpc.ManagedChannel channel = cluster.channelTo("127.0.0.1:" + port);
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
        } catch (StatusRuntimeException e) {
            return false;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Every acknowledged server once, with its domain on its host alone; policies hold; replays answer the same. */
    private void checkOutcome() {
        cluster.awaitLeader(Cluster.START);
        cluster.awaitHostsUp(HOSTS.stream().map(Cluster.HostShape::name).toList());
        assertThat(load.refused).as("creates refused for good").isEmpty();
        Set<String> acknowledgedIds = new HashSet<>();
        load.acknowledged.values().forEach(acknowledgedIds::addAll);
        List<String> groupIds = cluster.groups.listServerGroups(ListServerGroupsRequest.getDefaultInstance())
                .getServerGroupsList().stream().map(ServerGroup::getId).toList();
        ServerAudit audit = new ServerAudit(cluster);
        ServerAudit.Result result = audit.check(audit.awaitSettled(Duration.ofSeconds(120)), acknowledgedIds, groupIds);
        assertThat(result.passed()).as(result.report()).isTrue();
        assertThat(result.hardViolations()).isZero();
        List<String> listed = cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()
                .stream().map(Server::getId).toList();
        assertThat(listed).as("each server once, and only those acknowledged").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(acknowledgedIds);
        List<Map.Entry<String, List<String>>> sample = new ArrayList<>(load.acknowledged.entrySet());
        java.util.Collections.shuffle(sample);
        for (Map.Entry<String, List<String>> e : sample.subList(0, Math.min(20, sample.size()))) {
            CreateServersResponse replay = load.client.create(load.requests.get(e.getKey()), PATIENCE);
            assertThat(replay.getReplayed()).isTrue();
            assertThat(replay.getServersList()).extracting(Server::getId).containsExactlyElementsOf(e.getValue());
        }
    }

    /**
     * Creates from four threads, five a second each, until finished: each with a request_id of
     * its own, retried on the leader until it is answered for good.
     */
    private static final class Load implements AutoCloseable {
        final LeaderFollowingClient client;
        final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        final Map<String, CreateServersRequest> requests = new ConcurrentHashMap<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        private final ExecutorService pool = Executors.newFixedThreadPool(4);
        private final List<Future<?>> workers = new ArrayList<>();
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger antiMembers = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();

        Load(String controllers) {
            client = new LeaderFollowingClient(controllers);
        }

        void start() {
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(this::run));
            }
        }

        private void run() {
            while (!stop.get()) {
                long started = System.nanoTime();
                CreateServersRequest req = request(next.getAndIncrement());
                requests.put(req.getRequestId(), req);
                try {
                    acknowledged.put(req.getRequestId(), client.create(req, PATIENCE).getServersList().stream()
                            .map(Server::getId).toList());
                } catch (StatusRuntimeException e) {
                    refused.add(req.getRequestId() + ": " + e.getStatus());
                }
                // at most five a second per thread: the hosts' capacity lasts the whole test
                long left = TimeUnit.MILLISECONDS.toNanos(200) - (System.nanoTime() - started);
                if (left > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
            }
        }

        /** Strict anti-affinity members while their groups have room, affinity members, loners and pairs. */
        private CreateServersRequest request(int i) {
            CreateServersRequest.Builder b = CreateServersRequest.newBuilder().setName("f" + i).setVcpus(1)
                    .setMemoryMib(32).setRequestId("failover-" + i);
            if (i % 5 == 0) {
                int member = antiMembers.getAndIncrement();
                if (member < ANTI_GROUPS * HOSTS.size()) {
                    b.setGroupId("anti-" + member % ANTI_GROUPS);
                }
            } else if (i % 5 == 1 && i < 200) {
                b.setGroupId("together");
            } else if (i % 7 == 3) {
                b.setCount(2);
            }
            return b.build();
        }

        /** Stops after the creates in flight are answered. */
        void finish() throws Exception {
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(PATIENCE.toSeconds() + 30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            pool.shutdownNow();
            client.close();
        }
    }

    /** A trigger on every table of herd's that records which controller's session wrote, and when. */
    private static final class WriteAudit {
        static final String INSTALL = """
                CREATE TABLE write_audit (at timestamptz NOT NULL DEFAULT clock_timestamp(), app text NOT NULL,
                                          tbl text NOT NULL, op text NOT NULL);
                CREATE FUNCTION record_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO write_audit (app, tbl, op)
                        VALUES (current_setting('application_name'), TG_TABLE_NAME, TG_OP);
                    RETURN NULL;
                END $$;
                DO $$
                DECLARE t text;
                BEGIN
                    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
                             AND tablename NOT IN ('write_audit', 'flyway_schema_history', 'leader_lease') LOOP
                        EXECUTE format('CREATE TRIGGER audit_%s AFTER INSERT OR UPDATE OR DELETE ON %I '
                                       'FOR EACH STATEMENT EXECUTE FUNCTION record_write()', t, t);
                    END LOOP;
                END $$;
                """;
    }
}
