package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute API of a real controller (SQLite, gRPC and HTTP on port 0), called over HTTP
 * as the OpenStack clients call it, and cross-checked through the gRPC API.
 */
class NovaApiTest {

    private static final String GROUPS = "/v2.1/os-server-groups";
    private static final String V = Microversion.LEGACY_HEADER;

    @TempDir
    Path dir;

    private ControllerServer server;
    private ManagedChannel channel;
    private ServerGroupServiceGrpc.ServerGroupServiceBlockingStub grpc;
    private NovaHttp http;

    @BeforeEach
    void start() throws Exception {
        server = ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0", "store.path",
                dir.resolve("controller.db").toString(), "nova_api.listen", "127.0.0.1:0")), Clock.systemUTC());
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        grpc = ServerGroupServiceGrpc.newBlockingStub(channel);
        http = new NovaHttp(server.novaApiPort());
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void versionDiscoveryDescribesV21FromMicroversion21To264() throws Exception {
        NovaHttp.Reply root = http.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.header("Content-Type")).startsWith("application/json");
        JsonNode versions = root.body().path("versions");
        assertThat(versions).hasSize(1);
        JsonNode v = versions.get(0);
        assertThat(v.path("id").asText()).isEqualTo("v2.1");
        assertThat(v.path("status").asText()).isEqualTo("CURRENT");
        assertThat(v.path("min_version").asText()).isEqualTo("2.1");
        assertThat(v.path("version").asText()).isEqualTo("2.64");
        assertThat(v.path("links").get(0).path("rel").asText()).isEqualTo("self");
        assertThat(v.path("links").get(0).path("href").asText())
                .isEqualTo("http://127.0.0.1:" + server.novaApiPort() + "/v2.1/");

        for (String path : List.of("/v2.1", "/v2.1/")) {
            NovaHttp.Reply doc = http.get(path);
            assertThat(doc.status()).isEqualTo(200);
            JsonNode version = doc.body().path("version");
            assertThat(version.path("id").asText()).isEqualTo("v2.1");
            assertThat(version.path("status").asText()).isEqualTo("CURRENT");
            assertThat(version.path("min_version").asText()).isEqualTo("2.1");
            assertThat(version.path("version").asText()).isEqualTo("2.64");
            assertThat(version.path("links").findValuesAsText("rel")).containsExactly("self", "describedby");
            assertThat(version.path("media-types").get(0).path("type").asText())
                    .isEqualTo("application/vnd.openstack.compute+json;version=2.1");
        }
    }

    @Test
    void theMicroversionIsNegotiatedEchoedAndRefusedOutsideTheRange() throws Exception {
        NovaHttp.Reply plain = http.get(GROUPS);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header(Microversion.HEADER)).isEqualTo("compute 2.1");
        assertThat(plain.header(V)).isEqualTo("2.1");
        assertThat(plain.headers().allValues("Vary")).contains(Microversion.HEADER, V);

        assertThat(http.get(GROUPS, Microversion.HEADER, "compute 2.64").header(Microversion.HEADER))
                .isEqualTo("compute 2.64");
        assertThat(http.get(GROUPS, Microversion.HEADER, "volume 3.5, compute 2.15").header(V)).isEqualTo("2.15");
        assertThat(http.get(GROUPS, V, "2.13").header(Microversion.HEADER)).isEqualTo("compute 2.13");
        assertThat(http.get(GROUPS, V, "latest").header(V)).isEqualTo("2.64");
        assertThat(http.get(GROUPS, Microversion.HEADER, "compute latest").header(V)).isEqualTo("2.64");
        // the standard header wins over the legacy one
        assertThat(http.get(GROUPS, Microversion.HEADER, "compute 2.20", V, "2.30").header(V)).isEqualTo("2.20");

        for (String outside : List.of("2.65", "2.0", "3.0", "1.1")) {
            NovaHttp.Reply refused = http.get(GROUPS, V, outside);
            assertThat(refused.status()).as(outside).isEqualTo(406);
            assertThat(refused.fault("computeFault")).isEqualTo("Version " + outside + " is not supported by the "
                    + "API. Minimum is 2.1 and maximum is 2.64.");
            assertThat(refused.body().path("computeFault").path("code").asInt()).isEqualTo(406);
        }
        NovaHttp.Reply malformed = http.get(GROUPS, Microversion.HEADER, "compute 2.x");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.fault("badRequest")).isEqualTo("API Version String 2.x is of invalid format. Must be "
                + "of format MajorNum.MinorNum.");
    }

    @Test
    void groupsInThePolicyListFormAreCreatedListedShownAndDeleted() throws Exception {
        NovaHttp.Reply created = http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": "
                + "[\"anti-affinity\"]}}");
        assertThat(created.status()).isEqualTo(200);
        JsonNode g = created.body().path("server_group");
        String id = g.path("id").asText();
        assertThat(g.path("name").asText()).isEqualTo("web");
        assertThat(texts(g.path("policies"))).containsExactly("anti-affinity");
        assertThat(g.path("metadata").isObject() && g.path("metadata").isEmpty()).isTrue();
        assertThat(g.path("members").isArray() && g.path("members").isEmpty()).isTrue();
        assertThat(g.has("project_id")).isFalse();
        assertThat(g.has("policy")).isFalse();

        ServerGroup seen = grpc.getServerGroup(GetServerGroupRequest.newBuilder().setId(id).build());
        assertThat(seen.getPolicy()).isEqualTo(Policy.ANTI_AFFINITY);
        assertThat(seen.getScope()).isEqualTo(Scope.HOST);
        assertThat(seen.getMaxPerDomain()).isEqualTo(1);

        NovaHttp.Reply affinity = http.post(GROUPS, "{\"server_group\": {\"name\": \"db\", \"policies\": "
                + "[\"affinity\"]}}", V, "2.13");
        assertThat(affinity.status()).isEqualTo(200);
        assertThat(affinity.body().path("server_group").path("project_id").asText()).isEqualTo("herd");
        assertThat(affinity.body().path("server_group").path("user_id").asText()).isEqualTo("herd");

        NovaHttp.Reply list = http.get(GROUPS);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("server_groups").findValuesAsText("name")).containsExactly("web", "db");
        assertThat(http.get(GROUPS + "?limit=1&offset=1").body().path("server_groups").findValuesAsText("name"))
                .containsExactly("db");

        NovaHttp.Reply shown = http.get(GROUPS + "/" + id);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().path("server_group").path("id").asText()).isEqualTo(id);
        assertThat(texts(shown.body().path("server_group").path("policies"))).containsExactly("anti-affinity");

        NovaHttp.Reply deleted = http.delete(GROUPS + "/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body().isMissingNode()).isTrue();
        NovaHttp.Reply gone = http.get(GROUPS + "/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.fault("itemNotFound")).isEqualTo("Instance group " + id + " could not be found.");
        assertThat(http.delete(GROUPS + "/" + id).status()).isEqualTo(404);
        assertThat(grpcNames()).containsExactly("db");
    }

    @Test
    void softPoliciesNeedMicroversion215() throws Exception {
        String soft = "{\"server_group\": {\"name\": \"batch\", \"policies\": [\"soft-anti-affinity\"]}}";
        NovaHttp.Reply early = http.post(GROUPS, soft, V, "2.14");
        assertThat(early.status()).isEqualTo(400);
        assertThat(early.fault("badRequest")).isEqualTo("Invalid input for field/attribute 0. Value: "
                + "'soft-anti-affinity'. 'soft-anti-affinity' is not one of ['anti-affinity', 'affinity']");
        assertThat(grpcNames()).isEmpty();

        NovaHttp.Reply created = http.post(GROUPS, soft, V, "2.15");
        assertThat(created.status()).isEqualTo(200);
        assertThat(texts(created.body().path("server_group").path("policies"))).containsExactly("soft-anti-affinity");
        assertThat(grpc.getServerGroup(GetServerGroupRequest.newBuilder().setId("batch").build()).getPolicy())
                .isEqualTo(Policy.SOFT_ANTI_AFFINITY);
    }

    @Test
    void groupsInThe264FormCarryPolicyAndMaxServerPerHost() throws Exception {
        NovaHttp.Reply created = http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": "
                + "\"anti-affinity\", \"rules\": {\"max_server_per_host\": 3}}}", V, "2.64");
        assertThat(created.status()).isEqualTo(200);
        JsonNode g = created.body().path("server_group");
        assertThat(g.path("policy").asText()).isEqualTo("anti-affinity");
        assertThat(g.path("rules").path("max_server_per_host").asInt()).isEqualTo(3);
        assertThat(g.has("policies")).isFalse();
        assertThat(g.has("metadata")).isFalse();
        assertThat(g.path("project_id").asText()).isEqualTo("herd");
        assertThat(grpc.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build()).getMaxPerDomain())
                .isEqualTo(3);

        NovaHttp.Reply asString = http.post(GROUPS, "{\"server_group\": {\"name\": \"web2\", \"policy\": "
                + "\"anti-affinity\", \"rules\": {\"max_server_per_host\": \"2\"}}}", V, "2.64");
        assertThat(asString.body().path("server_group").path("rules").path("max_server_per_host").asInt()).isEqualTo(2);

        NovaHttp.Reply soft = http.post(GROUPS, "{\"server_group\": {\"name\": \"batch\", \"policy\": "
                + "\"soft-affinity\", \"rules\": {}}}", V, "2.64");
        assertThat(soft.status()).isEqualTo(200);
        assertThat(soft.body().path("server_group").path("policy").asText()).isEqualTo("soft-affinity");
        assertThat(soft.body().path("server_group").path("rules").isEmpty()).isTrue();

        // the same group, seen before 2.64, has the list form
        NovaHttp.Reply old = http.get(GROUPS + "/" + g.path("id").asText(), V, "2.63");
        assertThat(texts(old.body().path("server_group").path("policies"))).containsExactly("anti-affinity");
        assertThat(old.body().path("server_group").has("rules")).isFalse();
    }

    @Test
    void badRequestsGetNovasFaultsAndCreateNothing() throws Exception {
        String v264 = "2.64";
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", "), 400, "badRequest",
                "Malformed request body");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": [\"affinity\"]}} x"),
                400, "badRequest", "Malformed request body");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": [\"spread\"]}}"), 400,
                "badRequest", "Invalid input for field/attribute 0. Value: 'spread'. 'spread' is not one of "
                        + "['anti-affinity', 'affinity']");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": \"spread\"}}", V, v264),
                400, "badRequest", "Invalid input for field/attribute policy. Value: 'spread'. 'spread' is not one "
                        + "of ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": \"affinity\", "
                + "\"rules\": {\"max_server_per_host\": 2}}}", V, v264), 400, "badRequest",
                "Only anti-affinity policy supports rules.");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": \"anti-affinity\", "
                + "\"rules\": {\"max_server_per_host\": 0}}}", V, v264), 400, "badRequest",
                "Invalid input for field/attribute max_server_per_host. Value: 0. 0 is less than the minimum of 1");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": \"anti-affinity\", "
                + "\"rules\": {\"max_server_per_zone\": 2}}}", V, v264), 400, "badRequest",
                "Invalid input for field/attribute rules. Value: {'max_server_per_zone': 2}. Additional properties "
                        + "are not allowed ('max_server_per_zone' was unexpected)");
        // each form in the other's microversion
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": [\"affinity\"]}}", V,
                v264), 400, "badRequest", "Invalid input for field/attribute server_group. Value: {'name': 'web', "
                + "'policies': ['affinity']}. 'policy' is a required property");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policy\": \"affinity\"}}"), 400,
                "badRequest", "Invalid input for field/attribute server_group. Value: {'name': 'web', 'policy': "
                        + "'affinity'}. 'policies' is a required property");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": [\"affinity\", "
                + "\"affinity\"]}}"), 400, "badRequest", "Invalid input for field/attribute policies. Value: "
                + "['affinity', 'affinity']. ['affinity', 'affinity'] has non-unique elements");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \" web\", \"policies\": [\"affinity\"]}}"),
                400, "badRequest", "An invalid 'name' value was provided. The name must be: printable characters. "
                        + "Can not start or end with whitespace.");
        assertRefused(http.post(GROUPS, "{\"server_group\": {\"name\": \"\", \"policies\": [\"affinity\"]}}"),
                400, "badRequest", "Invalid input for field/attribute name. Value: ''. '' is too short");
        assertRefused(http.post(GROUPS, "{\"group\": {}}"), 400, "badRequest",
                "'server_group' is a required property");
        assertRefused(http.post(GROUPS, "[]"), 400, "badRequest", "[] is not of type 'object'");
        assertRefused(http.post(GROUPS, ""), 400, "badRequest", "The server could not comply with the request "
                + "since it is either malformed or otherwise incorrect.");

        byte[] huge = ("{\"server_group\": {\"name\": \"" + "x".repeat(200_000) + "\", \"policies\": "
                + "[\"affinity\"]}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        NovaHttp.Reply tooLarge = http.post(GROUPS, huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.fault("overLimit")).startsWith("Request is too large");

        assertRefused(http.post(GROUPS, "name=web", "Content-Type", "application/x-www-form-urlencoded"), 415,
                "badMediaType", "Unsupported Content-Type");

        assertThat(http.get(GROUPS).body().path("server_groups").isEmpty()).isTrue();
        assertThat(grpcNames()).isEmpty();
    }

    @Test
    void conflictsUnknownPathsAndMethodsGetNovasFaults() throws Exception {
        String body = "{\"server_group\": {\"name\": \"web\", \"policies\": [\"affinity\"]}}";
        assertThat(http.post(GROUPS, body).status()).isEqualTo(200);
        NovaHttp.Reply again = http.post(GROUPS, body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.fault("conflictingRequest")).contains("already exists");

        assertRefused(http.get("/v2.1/os-server-group"), 404, "itemNotFound", "The resource could not be found.");
        assertRefused(http.get("/v2/os-server-groups"), 404, "itemNotFound", "The resource could not be found.");
        NovaHttp.Reply put = http.method("PUT", GROUPS + "/web");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, DELETE");
        assertThat(put.body().path("badMethod").path("code").asInt()).isEqualTo(405);
        assertRefused(http.get(GROUPS + "?limit=-1"), 400, "badRequest",
                "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'");
        assertThat(grpcNames()).containsExactly("web");
    }

    @Test
    void groupsCreatedOverGrpcAreSeenOverHttpWithTheirPolicy() throws Exception {
        grpc.createServerGroup(CreateServerGroupRequest.newBuilder().setName("spread").setPolicy(Policy.ANTI_AFFINITY)
                .setMaxPerDomain(3).build());
        grpc.createServerGroup(CreateServerGroupRequest.newBuilder().setName("racks").setPolicy(Policy.ANTI_AFFINITY)
                .setScope(Scope.RACK).setMaxPerDomain(2).build());
        grpc.createServerGroup(CreateServerGroupRequest.newBuilder().setName("zone").setPolicy(Policy.AFFINITY)
                .setScope(Scope.ZONE).build());

        JsonNode groups = http.get(GROUPS, V, "2.64").body().path("server_groups");
        assertThat(groups.findValuesAsText("name")).containsExactly("spread", "racks", "zone");
        assertThat(groups.get(0).path("policy").asText()).isEqualTo("anti-affinity");
        assertThat(groups.get(0).path("rules").path("max_server_per_host").asInt()).isEqualTo(3);
        // a rack's limit is no per-host limit: the policy shows, the rule does not
        assertThat(groups.get(1).path("policy").asText()).isEqualTo("anti-affinity");
        assertThat(groups.get(1).path("rules").isEmpty()).isTrue();
        assertThat(groups.get(2).path("policy").asText()).isEqualTo("affinity");

        String id = groups.get(1).path("id").asText();
        assertThat(texts(http.get(GROUPS + "/" + id).body().path("server_group").path("policies")))
                .containsExactly("anti-affinity");
        // a project id in the path, as clients built for Keystone send it, is accepted
        assertThat(http.get("/v2.1/my-project/os-server-groups/" + id).status()).isEqualTo(200);
        assertThat(http.delete(GROUPS + "/" + id).status()).isEqualTo(204);
        assertThat(grpcNames()).containsExactly("spread", "zone");
    }

    private void assertRefused(NovaHttp.Reply reply, int status, String fault, String message) {
        assertThat(reply.status()).as(message).isEqualTo(status);
        assertThat(reply.body().path(fault).path("code").asInt()).isEqualTo(status);
        assertThat(reply.fault(fault)).isEqualTo(message);
    }

    private List<String> grpcNames() {
        return grpc.listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsList().stream()
                .map(ServerGroup::getName).sorted().toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
