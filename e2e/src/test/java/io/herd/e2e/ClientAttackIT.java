package io.herd.e2e;

import static io.herd.e2e.Attacks.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.runtime.testing.RawRequests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients against a controller with TLS and a tokens file, and against its agents: nobody
 * without a certificate or token gets in, every certificate and token may do what its role
 * allows and nothing more, agents serve the controller's certificate only, and bytes that
 * are not a request are refused without a stack trace. Each attack leaves the hosts, the
 * servers and the agents' domains as they were; an admin's requests go through, and into the
 * audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAttackIT {

    static final String VIEWER_TOKEN = "dash-" + UUID.randomUUID();
    static final String OPERATOR_TOKEN = "ci-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    Cluster cluster;
    String controller;
    /** The group "web": one member on hv-a, one on hv-b, created by the admin. */
    List<Server> web;

    @BeforeAll
    void start() throws Exception {
        Cluster.Tls tls = TestPki.create(dir.resolve("pki"));
        TestPki.issue(tls, "viewer", "grafana");
        TestPki.issue(tls, "operator", "alice");
        Path tokens = Files.writeString(dir.resolve("tokens"), "# API clients\ndash viewer sha256:"
                + sha256(VIEWER_TOKEN) + "\nci-bot operator sha256:" + sha256(OPERATOR_TOKEN) + "\n");
        cluster = new Cluster(dir, tls, "--tokens-file", tokens.toString());
        controller = "127.0.0.1:" + cluster.controllerPort;
        cluster.startTestAgents(List.of(new Cluster.HostShape("hv-a", 8, 8_192, "r1", "z1"),
                new Cluster.HostShape("hv-b", 8, 8_192, "r2", "z1")));
        String group = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("web")
                .setPolicy(Policy.ANTI_AFFINITY).build()).getId();
        List<String> ids = cluster.servers.createServers(CreateServersRequest.newBuilder().setName("web").setCount(2)
                .setGroupId(group).setVcpus(1).setMemoryMib(64).build()).getServersList().stream()
                .map(Server::getId).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                .allMatch(id -> Attacks.server(cluster, id).getState() == ServerState.SERVER_STATE_ACTIVE));
        web = ids.stream().map(id -> Attacks.server(cluster, id)).toList();
    }

    @AfterEach
    void noStackTraces() {
        Attacks.assertNoStackTrace(cluster.controller);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAdminCreatesServersOnTheRealAgentsAndTheAuditLogSaysWho() {
        assertThat(web).extracting(Server::getHostName).containsExactlyInAnyOrder("hv-a", "hv-b");
        for (Server s : web) {
            assertThat(cluster.domainsOf(s.getHostName())).extracting(d -> d.getServerId()).contains(s.getId());
        }
        String line = Attacks.log(cluster.controller).lines()
                .filter(l -> l.contains(" herd.audit - ") && l.contains("\"method\":\"herd.v1.ServerService/CreateServers\""))
                .findFirst().orElseThrow(() -> new AssertionError("no audit line for CreateServers"));
        assertThat(line).contains("\"who\":\"" + Cluster.Tls.CLIENT + "\"", "\"via\":\"certificate\"",
                "\"role\":\"admin\"", "\"result\":\"OK\"", "count: 2");

        Commands.Result hosts = Attacks.herdctl(cluster, Cluster.Tls.CLIENT, "host", "list");
        assertThat(hosts.exitCode()).as(hosts.output()).isZero();
        assertThat(hosts.output()).contains("hv-a", "hv-b");
    }

    @Test
    void callsWithoutCredentialsAreUnauthenticated() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        ManagedChannel anonymous = Attacks.tlsChannel(cluster.tls, null, controller);
        try {
            HostServiceGrpc.HostServiceBlockingStub hosts = HostServiceGrpc.newBlockingStub(anonymous);
            ServerServiceGrpc.ServerServiceBlockingStub servers = ServerServiceGrpc.newBlockingStub(anonymous);
            assertThat(refused(Status.Code.UNAUTHENTICATED, () -> hosts.listHosts(ListHostsRequest.getDefaultInstance())))
                    .contains("needs a client certificate");
            refused(Status.Code.UNAUTHENTICATED, () -> servers.createServers(CreateServersRequest.newBuilder()
                    .setName("intruder").setVcpus(1).setMemoryMib(64).build()));
            refused(Status.Code.UNAUTHENTICATED, () -> servers.deleteServer(DeleteServerRequest.newBuilder()
                    .setId(web.get(0).getId()).build()));
            refused(Status.Code.UNAUTHENTICATED, () -> hosts.setHostSchedulable(SetHostSchedulableRequest.newBuilder()
                    .setId("hv-a").setSchedulable(false).setReason("mine now").build()));
            refused(Status.Code.UNAUTHENTICATED, () -> Attacks.registry(anonymous)
                    .heartbeat(Attacks.heartbeat(UUID.randomUUID().toString(), "evil", "127.0.0.1:1").build()));
            assertThat(refused(Status.Code.UNAUTHENTICATED, () -> hosts.withInterceptors(bearer("not-a-token"))
                    .listHosts(ListHostsRequest.getDefaultInstance()))).contains("bearer token");
        } finally {
            anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
    }

    @Test
    void certificatesAndTokensMayDoWhatTheirRoleAllowsAndNoMore() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        ManagedChannel viewer = Attacks.tlsChannel(cluster.tls, "grafana", controller);
        ManagedChannel operator = Attacks.tlsChannel(cluster.tls, "alice", controller);
        ManagedChannel agent = Attacks.tlsChannel(cluster.tls, "hv-b", controller);
        ManagedChannel controllerCert = Attacks.tlsChannel(cluster.tls, Cluster.Tls.CONTROLLER, controller);
        ManagedChannel noCertificate = Attacks.tlsChannel(cluster.tls, null, controller);
        ManagedChannel admin = cluster.channelTo(controller);
        try {
            assertThat(HostServiceGrpc.newBlockingStub(viewer).listHosts(ListHostsRequest.getDefaultInstance())
                    .getHostsCount()).isEqualTo(2);
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> ServerGroupServiceGrpc.newBlockingStub(viewer)
                    .createServerGroup(CreateServerGroupRequest.newBuilder().setName("g").setPolicy(Policy.AFFINITY)
                            .build()))).isEqualTo("certificate CN=grafana (viewer) may not call "
                    + "herd.v1.ServerGroupService/CreateServerGroup: it needs the operator role");
            refused(Status.Code.PERMISSION_DENIED, () -> ServerServiceGrpc.newBlockingStub(viewer)
                    .deleteServer(DeleteServerRequest.newBuilder().setId(web.get(0).getId()).build()));

            assertThat(ServerServiceGrpc.newBlockingStub(operator).listServers(ListServersRequest.getDefaultInstance())
                    .getServersCount()).isEqualTo(before.servers().size());
            HostServiceGrpc.HostServiceBlockingStub asOperator = HostServiceGrpc.newBlockingStub(operator);
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> asOperator.setHostSchedulable(
                    SetHostSchedulableRequest.newBuilder().setId("hv-a").setReason("x").build())))
                    .contains("CN=alice (operator)", "needs the admin role");
            refused(Status.Code.PERMISSION_DENIED, () -> asOperator.drainHost(DrainHostRequest.newBuilder()
                    .setId("hv-a").setReason("x").build()));
            refused(Status.Code.PERMISSION_DENIED, () -> asOperator.evacuateHost(EvacuateHostRequest.newBuilder()
                    .setId("hv-a").build()));
            refused(Status.Code.PERMISSION_DENIED, () -> asOperator.approveHost(ApproveHostRequest.newBuilder()
                    .setId("hv-a").build()));

            ServerServiceGrpc.ServerServiceBlockingStub dash = ServerServiceGrpc.newBlockingStub(noCertificate)
                    .withInterceptors(bearer(VIEWER_TOKEN));
            assertThat(dash.listServers(ListServersRequest.getDefaultInstance()).getServersCount())
                    .isEqualTo(before.servers().size());
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> dash.createServers(CreateServersRequest
                    .newBuilder().setName("x").setVcpus(1).setMemoryMib(64).build()))).isEqualTo("token dash (viewer) "
                    + "may not call herd.v1.ServerService/CreateServers: it needs the operator role");
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> HostServiceGrpc.newBlockingStub(noCertificate)
                    .withInterceptors(bearer(OPERATOR_TOKEN)).setHostSchedulable(SetHostSchedulableRequest
                            .newBuilder().setId("hv-b").setReason("x").build()))).contains("token ci-bot (operator)");

            // agents and the controller have no business on the public API; clients none in the registry
            refused(Status.Code.PERMISSION_DENIED, () -> HostServiceGrpc.newBlockingStub(agent)
                    .listHosts(ListHostsRequest.getDefaultInstance()));
            refused(Status.Code.PERMISSION_DENIED, () -> ServerServiceGrpc.newBlockingStub(controllerCert)
                    .createServers(CreateServersRequest.newBuilder().setName("x").setVcpus(1).setMemoryMib(64).build()));
            assertThat(refused(Status.Code.PERMISSION_DENIED, () -> Attacks.registry(admin).heartbeat(
                    Attacks.heartbeat(UUID.randomUUID().toString(), "evil", "127.0.0.1:1").build())))
                    .contains("needs the agent role");
        } finally {
            for (ManagedChannel c : List.of(viewer, operator, agent, controllerCert, noCertificate, admin)) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
    }

    @Test
    void agentsServeOnlyTheControllersCertificate() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Server onA = web.stream().filter(s -> s.getHostName().equals("hv-a")).findFirst().orElseThrow();
        for (String cert : List.of("hv-b", "alice", Cluster.Tls.CLIENT)) {
            ManagedChannel channel = Attacks.tlsChannel(cluster.tls, cert, cluster.agentAddress("hv-a"));
            try {
                AgentServiceGrpc.AgentServiceBlockingStub agent = AgentServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                assertThat(refused(Status.Code.PERMISSION_DENIED, () -> agent.launchServer(LaunchServerRequest
                        .newBuilder().setServerId(UUID.randomUUID().toString()).setName("intruder").setVcpus(1)
                        .setMemoryMib(64).build()))).contains("CN=" + cert);
                refused(Status.Code.PERMISSION_DENIED, () -> agent.deleteServer(DeleteAgentServerRequest.newBuilder()
                        .setServerId(onA.getId()).build()));
                refused(Status.Code.PERMISSION_DENIED, () -> agent.listServers(
                        ListAgentServersRequest.getDefaultInstance()));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        ManagedChannel anonymous = Attacks.tlsChannel(cluster.tls, null, cluster.agentAddress("hv-a"));
        try {
            Status status = Attacks.failure(() -> AgentServiceGrpc.newBlockingStub(anonymous)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).deleteServer(DeleteAgentServerRequest.newBuilder()
                            .setServerId(onA.getId()).build()));
            assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
        assertThat(Attacks.server(cluster, onA.getId()).getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void herdctlIsRefusedBeyondItsRole() {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        Commands.Result list = Attacks.herdctl(cluster, "grafana", "server", "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).contains(web.get(0).getName(), web.get(1).getName());

        Commands.Result create = Attacks.herdctl(cluster, "grafana", "server", "create", "sneaky", "--memory", "64M");
        assertThat(create.exitCode()).as(create.output()).isEqualTo(10);
        assertThat(create.output()).contains("permission denied", "CN=grafana (viewer)", "operator role");

        Commands.Result cordon = Attacks.herdctl(cluster, "alice", "host", "cordon", "hv-a", "--reason", "mine");
        assertThat(cordon.exitCode()).as(cordon.output()).isEqualTo(10);
        assertThat(cordon.output()).contains("permission denied", "CN=alice (operator)", "admin role");

        Commands.Result anonymous = Attacks.herdctl(cluster, null, "host", "list");
        assertThat(anonymous.exitCode()).as(anonymous.output()).isEqualTo(9);
        assertThat(anonymous.output()).contains("unauthenticated").doesNotContain("hv-a");
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
    }

    @Test
    void bytesThatAreNotARequestAreRefusedWithOneLogLine() throws Exception {
        Attacks.Snapshot before = Attacks.Snapshot.of(cluster);
        // an invalid wire type; a length running past the end; a field of the wrong type
        List<byte[]> garbage = List.of(new byte[] {0x0f}, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x03, 'x'},
                new byte[] {0x38, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
        ManagedChannel admin = cluster.channelTo(controller);
        ManagedChannel agent = Attacks.tlsChannel(cluster.tls, "hv-b", controller);
        ManagedChannel anonymous = Attacks.tlsChannel(cluster.tls, null, controller);
        try {
            for (byte[] bytes : garbage) {
                assertThat(refused(Status.Code.INVALID_ARGUMENT, () -> raw(admin, "herd.v1.ServerService/CreateServers",
                        bytes))).contains("not a valid message for herd.v1.ServerService/CreateServers");
                refused(Status.Code.INVALID_ARGUMENT, () -> raw(agent, "herd.v1.AgentRegistry/Heartbeat", bytes));
                refused(Status.Code.UNAUTHENTICATED, () -> raw(anonymous, "herd.v1.HostService/DrainHost", bytes));
            }
        } finally {
            for (ManagedChannel c : List.of(admin, agent, anonymous)) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        assertClosedAfter("GET / HTTP/1.1\r\nHost: herd\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosedAfter(noise);
        assertClosedAfter(("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\4\1\0\0\0\0\0garbage").getBytes(
                StandardCharsets.ISO_8859_1));

        assertThat(Attacks.log(cluster.controller)).contains(
                "refused a request to herd.v1.ServerService/CreateServers from ");
        assertThat(cluster.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsCount()).isEqualTo(2);
        assertThat(Attacks.Snapshot.of(cluster)).isEqualTo(before);
    }

    /** Writes bytes to the controller's port and expects it to close the connection. */
    private void assertClosedAfter(byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", cluster.controllerPort)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(bytes);
                out.flush();
                byte[] buffer = new byte[4096];
                while (in.read(buffer) >= 0) {
                    // a TLS alert, perhaps: then the end
                }
            } catch (SocketException reset) {
                // closed while we were still writing or reading: closed all the same
            }
        }
    }

    private static Object raw(ManagedChannel channel, String method, byte[] bytes) {
        return RawRequests.unary(channel, method, bytes);
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
