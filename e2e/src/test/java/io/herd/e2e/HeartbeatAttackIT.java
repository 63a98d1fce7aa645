package io.herd.e2e;

import static io.herd.e2e.Attacks.heartbeat;
import static io.herd.e2e.Attacks.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Resources;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.runtime.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats that lie, with TLS: a compromised hypervisor (hv-b's agent certificate) cannot
 * speak for hv-a, take over its id or divert its launches; nobody without an agent
 * certificate registers a host or empties one; a second agent under a taken name is refused;
 * heartbeats too big, too many or with impossible amounts or addresses are refused, and the
 * controller stays alive and keeps watching its hosts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeartbeatAttackIT {

    @TempDir
    static Path dir;
    Cluster cluster;
    String controller;
    ManagedChannel hvB;
    /** The group "web": one member on hv-a, one on hv-b. */
    List<Server> web;

    @BeforeAll
    void start() throws Exception {
        cluster = new Cluster(dir, TestPki.create(dir.resolve("pki")));
        controller = "127.0.0.1:" + cluster.controllerPort;
        cluster.startTestAgents(List.of(new Cluster.HostShape("hv-a", 8, 8_192, "r1", "z1"),
                new Cluster.HostShape("hv-b", 8, 8_192, "r2", "z1")));
        hvB = Attacks.tlsChannel(cluster.tls, "hv-b", controller);
        String group = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("web")
                .setPolicy(Policy.ANTI_AFFINITY).build()).getId();
        web = create(CreateServersRequest.newBuilder().setName("web").setCount(2).setGroupId(group));
    }

    @AfterEach
    void noStackTraces() {
        Attacks.assertNoStackTrace(cluster.controller);
    }

    @AfterAll
    void stop() throws Exception {
        if (hvB != null) {
            hvB.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAgentCertificateSpeaksOnlyForItsOwnHost() {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Host a = cluster.host("hv-a");
        Host b = cluster.host("hv-b");
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB)
                .heartbeat(heartbeat(a.getId(), "hv-a", b.getAgentAddress()).build())))
                .contains("certificate CN=hv-b (agent) may heartbeat only for host 'hv-b', not 'hv-a'");
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB)
                .heartbeat(heartbeat(UUID.randomUUID().toString(), "hv-a", a.getAgentAddress()).build())))
                .contains("only for host 'hv-b'");
        assertThat(refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB)
                .heartbeat(heartbeat(a.getId(), "hv-b", b.getAgentAddress()).build())))
                .contains("host id " + a.getId() + " belongs to host 'hv-a'");
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
        assertThat(cluster.host("hv-a").getAgentAddress()).isEqualTo(a.getAgentAddress());

        // a launch meant for hv-a still reaches hv-a's own agent
        cordon("hv-b", false);
        try {
            Server s = create(CreateServersRequest.newBuilder().setName("for-a")).get(0);
            assertThat(s.getHostName()).isEqualTo("hv-a");
            assertThat(cluster.domainsOf("hv-a")).extracting(AgentServer::getServerId).contains(s.getId());
            delete(s);
        } finally {
            cordon("hv-b", true);
        }
    }

    @Test
    void forgedHeartbeatsRegisterNothingAndEmptyNothing() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Host a = cluster.host("hv-a");
        HeartbeatRequest evil = heartbeat(UUID.randomUUID().toString(), "evil", "127.0.0.1:7701").build();
        HeartbeatRequest divert = heartbeat(a.getId(), "hv-a", "127.0.0.1:" + Ports.free()).build();
        HeartbeatRequest empty = heartbeat(a.getId(), "hv-a", a.getAgentAddress()).setCapacity(a.getCapacity())
                .build();
        ManagedChannel anonymous = Attacks.tlsChannel(cluster.tls, null, controller);
        ManagedChannel admin = cluster.channelTo(controller);
        try {
            for (HeartbeatRequest forged : List.of(evil, divert, empty)) {
                refused(Status.Code.UNAUTHENTICATED, () -> Attacks.registry(anonymous).heartbeat(forged));
                refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(admin).heartbeat(forged));
            }
            refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB).heartbeat(divert));
            refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB).heartbeat(empty));
        } finally {
            anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
        // hv-a's servers keep their claims there, also after hv-a's own next heartbeats
        awaitHeartbeatAfter(a);
        Host now = cluster.host("hv-a");
        assertThat(now.getAllocated()).isEqualTo(a.getAllocated());
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);

        List<Server> placed = create(CreateServersRequest.newBuilder().setName("after-forgery").setCount(4));
        assertThat(placed).extracting(Server::getHostName).containsOnly("hv-a", "hv-b");
        placed.forEach(this::delete);
    }

    @Test
    void aSecondAgentUnderATakenNameIsRefused() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Host a = cluster.host("hv-a");
        // a valid certificate for hv-a from the same CA, and its own state directory (a new host id)
        Cluster.Tls twin = new Cluster.Tls(Files.createDirectories(dir.resolve("pki-twin")));
        Files.copy(cluster.tls.ca(), twin.ca());
        Files.copy(cluster.tls.dir().resolve("ca.key"), twin.dir().resolve("ca.key"));
        TestPki.issue(twin, "agent", "hv-a", "127.0.0.1");
        Path home = Files.createDirectories(dir.resolve("hv-a-twin"));
        Path xml = Files.writeString(home.resolve("node.xml"), Cluster.nodeXml(64, 65_536));
        List<String> args = new ArrayList<>(List.of("--libvirt-uri", "test://" + xml, "--port",
                Integer.toString(Ports.free()), "--controller", controller, "--host-name", "hv-a",
                "--image-dir", home.resolve("images").toString(), "--state-dir", home.resolve("state").toString(),
                "--heartbeat-interval-ms", "500"));
        args.addAll(twin.args("hv-a"));
        try (JavaProcess impostor = JavaProcess.start("agent-hv-a-twin", dir.resolve("logs"),
                cluster.options.agentJvm(), Cluster.AGENT_JAR, args)) {
            impostor.awaitLog("ALREADY_EXISTS", Duration.ofSeconds(60));
            assertThat(Attacks.log(impostor)).contains("host name 'hv-a' is registered with host id " + a.getId());
            awaitHeartbeatAfter(a);
            assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
            assertThat(impostor.alive()).isTrue();
        }
    }

    /** Last: it ends by killing hv-b's agent (a test-driver host loses its domains with its process). */
    @Test
    @Order(Integer.MAX_VALUE)
    void oversizedOverflowingAndFloodingHeartbeatsAreRefusedAndLivenessGoesOn() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Host b = cluster.host("hv-b");
        AgentRegistryGrpc.AgentRegistryBlockingStub registry = Attacks.registry(hvB);
        HeartbeatRequest.Builder huge = heartbeat(b.getId(), "hv-b", b.getAgentAddress());
        addDomains(huge, 300_000);
        assertThat(huge.build().getSerializedSize()).isGreaterThan(4 << 20);
        refused(Status.Code.RESOURCE_EXHAUSTED, () -> registry.heartbeat(huge.build()));
        assertThat(Attacks.log(cluster.controller)).doesNotContain("exceeds maximum size");
        HeartbeatRequest.Builder many = heartbeat(b.getId(), "hv-b", b.getAgentAddress());
        addDomains(many, 20_000);
        assertThat(many.build().getSerializedSize()).isLessThan(4 << 20);
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> registry.heartbeat(many.build())))
                .contains("servers", "at most 10000");
        HostCapacity c = b.getCapacity();
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> registry.heartbeat(heartbeat(b.getId(), "hv-b",
                b.getAgentAddress()).setCapacity(c.toBuilder().setMemoryMib(Long.MAX_VALUE)).build())))
                .contains("capacity.memory_mib");
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> registry.heartbeat(heartbeat(b.getId(), "hv-b",
                b.getAgentAddress()).setCapacity(c.toBuilder().setCpus(Integer.MAX_VALUE)).build())))
                .contains("capacity.cpus");
        HeartbeatRequest.Builder overflowing = heartbeat(b.getId(), "hv-b", b.getAgentAddress());
        overflowing.addServers(domain(web.get(0).getId(), Integer.MAX_VALUE, Long.MAX_VALUE));
        assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> registry.heartbeat(overflowing.build())))
                .contains("servers[0].resources");
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);

        // hv-b's certificate floods under hv-b's name, each heartbeat with another host id
        Map<Status.Code, AtomicLong> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 300; i++) {
                pool.execute(() -> answers.computeIfAbsent(Attacks.failure(() -> registry.heartbeat(heartbeat(
                        UUID.randomUUID().toString(), "hv-b", b.getAgentAddress()).build())).getCode(),
                        k -> new AtomicLong()).incrementAndGet());
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answers.keySet()).as("answers %s", answers)
                .containsOnly(Status.Code.RESOURCE_EXHAUSTED, Status.Code.ALREADY_EXISTS);
        assertThat(answers.get(Status.Code.RESOURCE_EXHAUSTED).get()).as("answers %s", answers).isPositive();

        // the controller is alive, its heap is small, and it still tells a dead host
        assertThat(cluster.controller.alive()).isTrue();
        assertThat(heapUsedMib(cluster.controller)).isLessThan(160);
        assertThat(Attacks.log(cluster.controller)).doesNotContain("OutOfMemoryError");
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.host("hv-b").getUp()
                && web.stream().allMatch(s -> Attacks.server(cluster, s.getId()).getState()
                == ServerState.SERVER_STATE_ACTIVE));
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
        cluster.agents.get("hv-b").kill9();
        await().atMost(Duration.ofSeconds(30)).until(() -> !cluster.host("hv-b").getUp());
        assertThat(cluster.host("hv-a").getUp()).isTrue();
        for (Server s : web) {
            assertThat(Attacks.server(cluster, s.getId()).getState()).isEqualTo(s.getHostName().equals("hv-b")
                    ? ServerState.SERVER_STATE_UNKNOWN : ServerState.SERVER_STATE_ACTIVE);
        }
    }

    @Test
    void unparseableAndForeignAgentAddressesAreRefused() {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Host b = cluster.host("hv-b");
        for (String address : List.of("a:b", "x:-1", "[::1:5", "localhost:65536", "unix:relative", "",
                "unix:///run/herd/evil.sock")) {
            assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> Attacks.registry(hvB).heartbeat(heartbeat(
                    b.getId(), "hv-b", address).setCapacity(b.getCapacity()).build()))).contains("agent_address");
        }
        // well-formed, but not an address hv-b's certificate (SAN 127.0.0.1) is valid for
        for (String address : List.of("10.9.9.9:7701", "evil.example.org:7701", "[::1]:7701")) {
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(hvB).heartbeat(heartbeat(
                    b.getId(), "hv-b", address).setCapacity(b.getCapacity()).build())))
                    .contains("is not an address certificate CN=hv-b (agent) is valid for");
        }
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
        assertThat(cluster.host("hv-b").getAgentAddress()).isEqualTo(b.getAgentAddress());
    }

    private List<Server> create(CreateServersRequest.Builder request) {
        List<String> ids = cluster.servers.createServers(request.setVcpus(1).setMemoryMib(64).build())
                .getServersList().stream().map(Server::getId).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> Attacks.server(cluster, id).getState() == ServerState.SERVER_STATE_ACTIVE));
        return ids.stream().map(id -> Attacks.server(cluster, id)).toList();
    }

    private void delete(Server s) {
        cluster.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> Attacks.failure(() -> Attacks.server(cluster, s.getId()))
                .getCode() == Status.Code.NOT_FOUND);
    }

    private void cordon(String host, boolean schedulable) {
        cluster.hosts.setHostSchedulable(SetHostSchedulableRequest.newBuilder().setId(host)
                .setSchedulable(schedulable).setReason("attack test").build());
    }

    /** Waits for a heartbeat of the host's own agent after {@code seen}. */
    private void awaitHeartbeatAfter(Host seen) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.host(seen.getName()).getLastHeartbeat()
                .getSeconds() * 1_000_000_000L + cluster.host(seen.getName()).getLastHeartbeat().getNanos()
                > seen.getLastHeartbeat().getSeconds() * 1_000_000_000L + seen.getLastHeartbeat().getNanos());
    }

    private static void addDomains(HeartbeatRequest.Builder heartbeat, int count) {
        for (int i = 0; i < count; i++) {
            heartbeat.addServers(domain(UUID.randomUUID().toString(), 1, 64));
        }
    }

    private static AgentServer domain(String id, int vcpus, long memoryMib) {
        return AgentServer.newBuilder().setServerId(id).setState(ServerState.SERVER_STATE_ACTIVE)
                .setResources(Resources.newBuilder().setVcpus(vcpus).setMemoryMib(memoryMib)).build();
    }

    /** The program's heap in use after a full collection, MiB, as jcmd reports it. */
    private static long heapUsedMib(JavaProcess process) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Commands.run(jcmd, Long.toString(process.pid()), "GC.run");
        Commands.Result info = Commands.run(jcmd, Long.toString(process.pid()), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info.output());
        assertThat(used.find()).as(info.output()).isTrue();
        return Long.parseLong(used.group(1)) / 1024;
    }
}
