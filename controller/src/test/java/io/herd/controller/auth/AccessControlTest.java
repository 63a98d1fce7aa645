package io.herd.controller.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.runtime.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real controller with mutual TLS, a tokens file and host approval, called over TCP by
 * clients holding certificates of every role, tokens, or nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {

    private static final String VIEWER_TOKEN = "viewer-secret-0123456789";
    private static final String OPERATOR_TOKEN = "operator-secret-0123456789";

    @TempDir
    static Path dir;

    private TestCa ca;
    private ControllerServer controller;
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        ca = TestCa.create(dir.resolve("tls"));
        TestCa.Issued server = ca.issue("controller", "controller", "127.0.0.1", "localhost");
        Path tokens = Files.writeString(dir.resolve("tokens"), "# name role hash\n"
                + "dash viewer sha256:" + Tokens.sha256(VIEWER_TOKEN) + "\n"
                + "ci operator sha256:" + Tokens.sha256(OPERATOR_TOKEN) + "\n");
        audit.start();
        Logger auditLogger = (Logger) LoggerFactory.getLogger("herd.audit");
        auditLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        auditLogger.addAppender(audit);
        controller = ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "tls.cert_file", server.cert().toString(),
                "tls.key_file", server.key().toString(), "tls.ca_file", server.ca().toString(),
                "auth.tokens_file", tokens.toString(), "hosts.require_approval", "true")), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        controller.close();
        ((Logger) LoggerFactory.getLogger("herd.audit")).detachAppender(audit);
    }

    @Test
    void nobodyWithoutCredentialsAndHealthStaysOpen() throws Exception {
        try (Client c = client(null)) {
            assertThat(code(() -> c.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(code(() -> c.registry().heartbeat(heartbeat("hv1", "hv1", "127.0.0.1:7701"))))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(HealthGrpc.newBlockingStub(c.channel).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
        try (Client c = client(null).withToken("not-a-known-token")) {
            assertThat(code(() -> c.hosts().listHosts(ListHostsRequest.getDefaultInstance())))
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void rolesDecideWhatEachIdentityMayDo() throws Exception {
        try (Client viewer = client(null).withToken(VIEWER_TOKEN);
             Client operator = client(null).withToken(OPERATOR_TOKEN);
             Client alice = client(ca.issue("operator", "alice"));
             Client agent = client(ca.issue("agent", "hv9", "127.0.0.1"));
             Client nobody = client(ca.issueWithoutRole("no-role"))) {
            assertThat(viewer.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())).isNotNull();
            StatusRuntimeException denied = catchStatus(() -> viewer.groups().createServerGroup(group("by-viewer")));
            assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(denied.getStatus().getDescription()).contains("token dash (viewer)", "operator");
            assertThat(operator.groups().createServerGroup(group("by-token")).getName()).isEqualTo("by-token");
            assertThat(alice.groups().createServerGroup(group("by-alice")).getName()).isEqualTo("by-alice");
            assertThat(code(() -> alice.hosts().setHostSchedulable(SetHostSchedulableRequest.newBuilder()
                    .setId("hv1").setSchedulable(false).setReason("x").build())))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(() -> agent.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(() -> nobody.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(() -> alice.registry().heartbeat(heartbeat("alice", "alice", "127.0.0.1:7701"))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(operator.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())
                    .getServerGroupsList()).extracting(g -> g.getName()).contains("by-token", "by-alice")
                    .doesNotContain("by-viewer");
        }
        List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"who\":\"alice\"", "\"via\":\"certificate\"",
                "CreateServerGroup", "\"result\":\"OK\"", "by-alice"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"who\":\"dash\"", "\"via\":\"token\"",
                "CreateServerGroup", "\"result\":\"PERMISSION_DENIED\""));
    }

    @Test
    void viewersReadFlavorsOperatorsChangeThemAndTheChangesAreAudited() throws Exception {
        CreateFlavorRequest small = CreateFlavorRequest.newBuilder().setName("audited-small").setVcpus(1)
                .setMemoryMib(512).build();
        try (Client viewer = client(null).withToken(VIEWER_TOKEN);
             Client alice = client(ca.issue("operator", "alice-flavors"))) {
            assertThat(code(() -> viewer.flavors().createFlavor(small))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(alice.flavors().createFlavor(small).getName()).isEqualTo("audited-small");
            assertThat(viewer.flavors().listFlavors(ListFlavorsRequest.getDefaultInstance()).getFlavorsList())
                    .extracting(f -> f.getName()).containsExactly("audited-small");
            assertThat(code(() -> viewer.flavors().deleteFlavor(DeleteFlavorRequest.newBuilder()
                    .setId("audited-small").build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            alice.flavors().deleteFlavor(DeleteFlavorRequest.newBuilder().setId("audited-small").build());
        }
        List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"who\":\"alice-flavors\"",
                "herd.v1.FlavorService/CreateFlavor", "\"result\":\"OK\"", "audited-small"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"who\":\"alice-flavors\"",
                "herd.v1.FlavorService/DeleteFlavor", "\"result\":\"OK\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"who\":\"dash\"",
                "herd.v1.FlavorService/CreateFlavor", "\"result\":\"PERMISSION_DENIED\""));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("ListFlavors"));
    }

    @Test
    void aHeartbeatCountsOnlyForTheHostItsCertificateNames() throws Exception {
        try (Client hv1 = client(ca.issue("agent", "hv1", "127.0.0.1"));
             Client hv2 = client(ca.issue("agent", "hv2", "127.0.0.1"));
             Client admin = client(ca.issue("admin", "root"))) {
            hv1.registry().heartbeat(heartbeat("id-hv1", "hv1", "127.0.0.1:7701"));
            // another agent's certificate for hv1's name, or for hv1's id, or an address it is not valid for
            assertThat(code(() -> hv2.registry().heartbeat(heartbeat("id-hv1", "hv1", "127.0.0.1:7799"))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(() -> hv2.registry().heartbeat(heartbeat("id-hv1", "hv2", "127.0.0.1:7799"))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(code(() -> hv1.registry().heartbeat(heartbeat("id-hv1", "hv1", "10.9.9.9:7701"))))
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            // the same name under a second id
            assertThat(code(() -> hv1.registry().heartbeat(heartbeat("id-hv1-again", "hv1", "127.0.0.1:7701"))))
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
            Host host = admin.hosts().listHosts(ListHostsRequest.getDefaultInstance()).getHostsList().stream()
                    .filter(h -> h.getName().equals("hv1")).findFirst().orElseThrow();
            assertThat(host.getId()).isEqualTo("id-hv1");
            assertThat(host.getAgentAddress()).isEqualTo("127.0.0.1:7701");
            assertThat(admin.hosts().listHosts(ListHostsRequest.getDefaultInstance()).getHostsList())
                    .extracting(Host::getId).doesNotContain("id-hv1-again");
            // approval: a new host takes nothing until an admin approves it
            assertThat(host.getApproved()).isFalse();
            assertThat(host.getNotPlaceableReason()).contains("awaiting approval");
            Host approved = admin.hosts().approveHost(ApproveHostRequest.newBuilder().setId("hv1").build());
            assertThat(approved.getApproved()).isTrue();
            assertThat(approved.getNotPlaceableReason()).isEmpty();
        }
    }

    @Test
    void bytesThatAreNoRequestAreRefusedAfterAuthenticationAndAudited() throws Exception {
        byte[] garbage = {0x0a, 0x7f, 'x'};
        try (Client anonymous = client(null); Client alice = client(ca.issue("operator", "alice-raw"))) {
            assertThat(code(() -> raw(anonymous, garbage))).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(code(() -> raw(alice, garbage))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(audit.list.stream().map(ILoggingEvent::getFormattedMessage)).anySatisfy(l -> assertThat(l)
                .contains("\"who\":\"alice-raw\"", "CreateServerGroup", "\"result\":\"INVALID_ARGUMENT\""));
    }

    /** CreateServerGroup with {@code bytes} for a request. */
    private static void raw(Client client, byte[] bytes) {
        io.herd.runtime.testing.RawRequests.unary(io.grpc.ClientInterceptors.intercept(client.channel(),
                MetadataUtils.newAttachHeadersInterceptor(client.headers())),
                "herd.v1.ServerGroupService/CreateServerGroup", bytes);
    }

    private static CreateServerGroupRequest group(String name) {
        return CreateServerGroupRequest.newBuilder().setName(name).setPolicy(Policy.ANTI_AFFINITY).build();
    }

    private static HeartbeatRequest heartbeat(String id, String name, String address) {
        return HeartbeatRequest.newBuilder().setHostId(id).setHostName(name).setAgentAddress(address)
                .setCapacity(HostCapacity.newBuilder().setCpus(8).setMemoryMib(16_384).setDiskFreeGib(100)
                        .setDiskTotalGib(100).setCpuAllocationRatio(1).setRamAllocationRatio(1)).build();
    }

    private static Status.Code code(Runnable call) {
        return catchStatus(call).getStatus().getCode();
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                call.run();
            } catch (StatusRuntimeException e) {
                thrown[0] = e;
                throw e;
            }
        }).isInstanceOf(StatusRuntimeException.class);
        return (StatusRuntimeException) thrown[0];
    }

    private Client client(TestCa.Issued identity) throws Exception {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ca.caFile().toFile());
        if (identity != null) {
            tls.keyManager(identity.cert().toFile(), identity.key().toFile());
        }
        return new Client(Grpc.newChannelBuilderForAddress("127.0.0.1", controller.port(), tls.build()).build(),
                new Metadata());
    }

    /** A channel and the headers each call carries. */
    private record Client(ManagedChannel channel, Metadata headers) implements AutoCloseable {
        Client withToken(String token) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            return this;
        }

        ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups() {
            return ServerGroupServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        FlavorServiceGrpc.FlavorServiceBlockingStub flavors() {
            return FlavorServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        HostServiceGrpc.HostServiceBlockingStub hosts() {
            return HostServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        AgentRegistryGrpc.AgentRegistryBlockingStub registry() {
            return AgentRegistryGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        @Override
        public void close() {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
