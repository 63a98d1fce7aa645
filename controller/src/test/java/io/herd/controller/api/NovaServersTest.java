package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herd.api.v1.ListServersRequest;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.nova.LeaderCore;
import io.herd.controller.nova.NovaApiServer;
import io.herd.controller.nova.NovaHttp;
import io.herd.runtime.config.HostPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers through the compute API, on a core whose three hosts are fake agents: booted into
 * groups with the group hint, as a gang, refused into ERROR with Nova's fault, listed, shown
 * and deleted; cross-checked through the gRPC API.
 */
class NovaServersTest {

    private static final String V264 = "2.64";

    @TempDir
    Path dir;

    private Harness h;
    private NovaApiServer nova;
    private NovaHttp http;
    private String flavor;
    private String image;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        for (String host : List.of("hv1", "hv2", "hv3")) {
            h.heartbeat(host);
        }
        nova = NovaApiServer.start(new HostPort("127.0.0.1", 0), new LeaderCore() {
            @Override
            public Optional<ControllerCore> core() {
                return Optional.of(h.core); // the core of the moment: a test restarts it
            }

            @Override
            public String whyNone() {
                return "";
            }
        }, null, new AuditLog());
        http = new NovaHttp(nova.port());
        flavor = h.core.flavors().create("", "m1.small", 1, 512, 1).id();
        image = imageId(Harness.IMAGE);
    }

    @AfterEach
    void stop() {
        nova.close();
        h.close();
    }

    @Test
    void antiAffinityMembersLandOnDistinctHostsAndTheFourthIsRefusedIntoErrorWithNovasFault() throws Exception {
        String group = group("web", "anti-affinity", "");
        Set<String> hosts = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            JsonNode server = active(boot("web-" + i, group, 1, 1));
            assertThat(server.path("OS-EXT-SRV-ATTR:host").asText()).isNotEmpty();
            assertThat(server.path("hostId").asText()).hasSize(56);
            hosts.add(server.path("OS-EXT-SRV-ATTR:host").asText());
        }
        assertThat(hosts).containsExactlyInAnyOrder("hv1", "hv2", "hv3");

        NovaHttp.Reply refused = http.post("/v2.1/servers", body("web-4", group, 1, 1));
        assertThat(refused.status()).isEqualTo(202);
        JsonNode error = show(refused.body().path("server").path("id").asText());
        assertThat(error.path("status").asText()).isEqualTo("ERROR");
        assertThat(error.path("fault").path("message").asText()).startsWith("No valid host was found.")
                .contains("anti-affinity");
        assertThat(error.path("fault").path("code").asInt()).isEqualTo(500);
        assertThat(error.path("OS-EXT-SRV-ATTR:host").isNull()).isTrue();
        assertThat(error.path("hostId").asText()).isEmpty();
        assertThat(groupMembers(group)).hasSize(4).contains(error.path("id").asText());

        // an ERROR server is gone once its DELETE answers
        assertThat(http.delete("/v2.1/servers/" + error.path("id").asText()).status()).isEqualTo(204);
        assertThat(http.get("/v2.1/servers/" + error.path("id").asText()).status()).isEqualTo(404);
        assertThat(groupMembers(group)).hasSize(3);
    }

    @Test
    void aRefusedServerIsOnDiskBeforeTheAnswerAndOutlivesARestart() throws Exception {
        String group = group("pair", "affinity", "");
        String first = boot("big-1", group, 1, 1);
        assertThat(h.core.flavors().create("", "huge", 64, 512, 1).id()).isNotEmpty();
        String refused = http.post("/v2.1/servers", body("big-2", group, 1, 1).replace(flavor, "huge")).body()
                .path("server").path("id").asText();
        h.restart();
        JsonNode error = show(refused);
        assertThat(error.path("status").asText()).isEqualTo("ERROR");
        assertThat(error.path("fault").path("message").asText()).startsWith("No valid host was found.");
        assertThat(error.path("flavor").path("id").asText()).isNotEqualTo(flavor);
        assertThat(show(first).path("OS-EXT-SRV-ATTR:host").asText()).isNotEmpty();
        assertThat(groupMembers(group)).containsExactlyInAnyOrder(first, refused);
    }

    @Test
    void aGangTakesAsManyAsFitBetweenMinAndMaxAndAffinityKeepsThemTogether() throws Exception {
        String spread = group("spread", "anti-affinity", "");
        NovaHttp.Reply gang = http.post("/v2.1/servers", body("gang", spread, 2, 5));
        assertThat(gang.status()).isEqualTo(202);
        List<JsonNode> members = listDetail("?name=%5Egang-");
        assertThat(members).extracting(m -> m.path("name").asText())
                .containsExactlyInAnyOrder("gang-1", "gang-2", "gang-3");
        assertThat(members).extracting(m -> m.path("OS-EXT-SRV-ATTR:host").asText()).doesNotHaveDuplicates();

        String together = group("together", "affinity", "");
        assertThat(http.post("/v2.1/servers", body("pair", together, 3, 3)).status()).isEqualTo(202);
        List<JsonNode> pair = listDetail("?name=%5Epair-");
        assertThat(pair).hasSize(3);
        assertThat(pair).extracting(m -> m.path("OS-EXT-SRV-ATTR:host").asText()).containsOnly(
                pair.get(0).path("OS-EXT-SRV-ATTR:host").asText());

        // not even min_count fits: max_count servers in ERROR, nothing placed
        NovaHttp.Reply none = http.post("/v2.1/servers", body("more", spread, 1, 2));
        assertThat(none.status()).isEqualTo(202);
        assertThat(listDetail("?name=%5Emore-")).hasSize(2)
                .allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("ERROR"));
    }

    @Test
    void maxServerPerHostIsRespected() throws Exception {
        String group = group("db", "anti-affinity", "2");
        for (int i = 1; i <= 6; i++) {
            assertThat(show(boot("db-" + i, group, 1, 1)).path("status").asText()).isIn("BUILD", "ACTIVE");
        }
        JsonNode seventh = show(boot("db-7", group, 1, 1));
        assertThat(seventh.path("status").asText()).isEqualTo("ERROR");
        assertThat(seventh.path("fault").path("message").asText()).startsWith("No valid host was found.");
        List<String> hosts = new ArrayList<>();
        listDetail("?status=BUILD").forEach(s -> hosts.add(s.path("OS-EXT-SRV-ATTR:host").asText()));
        listDetail("?status=ACTIVE").forEach(s -> hosts.add(s.path("OS-EXT-SRV-ATTR:host").asText()));
        assertThat(hosts).hasSize(6);
        for (String host : List.of("hv1", "hv2", "hv3")) {
            assertThat(hosts).filteredOn(host::equals).hasSize(2);
        }
    }

    @Test
    void aServerShowsItsFlavorImageMetadataAndHostAsClientsReadThem() throws Exception {
        String body = "{\"server\": {\"name\": \"app\", \"imageRef\": \"" + image + "\", \"flavorRef\": \"" + flavor
                + "\", \"metadata\": {\"role\": \"web\", \"tier\": \"1\"}, \"networks\": \"none\"},"
                + " \"OS-SCH-HNT:scheduler_hints\": {\"group\": [\"" + group("app", "soft-anti-affinity", "")
                + "\"]}}";
        NovaHttp.Reply created = http.post("/v2.1/servers", body, "OpenStack-API-Version", "compute 2.47");
        assertThat(created.status()).isEqualTo(202);
        String id = created.body().path("server").path("id").asText();
        assertThat(created.body().path("server").path("links").get(0).path("href").asText()).endsWith("/servers/" + id);
        JsonNode s = active(id);
        assertThat(s.path("image").path("id").asText()).isEqualTo(image);
        assertThat(s.path("flavor").path("id").asText()).isEqualTo(flavor);
        assertThat(s.path("metadata").path("role").asText()).isEqualTo("web");
        assertThat(s.path("OS-EXT-STS:vm_state").asText()).isEqualTo("active");
        assertThat(s.path("OS-EXT-STS:power_state").asInt()).isEqualTo(1);
        JsonNode embedded = http.get("/v2.1/servers/" + id, "OpenStack-API-Version", "compute 2.47").body()
                .path("server").path("flavor");
        assertThat(embedded.path("original_name").asText()).isEqualTo("m1.small");
        assertThat(embedded.path("ram").asLong()).isEqualTo(512);
        assertThat(embedded.path("vcpus").asInt()).isEqualTo(1);

        // the gRPC API sees the same server, with its flavor and metadata
        io.herd.api.v1.Server grpc = h.server(id);
        assertThat(grpc.getFlavor()).isEqualTo("m1.small");
        assertThat(grpc.getMetadataMap()).containsEntry("tier", "1");
        assertThat(grpc.getHostName()).isEqualTo(s.path("OS-EXT-SRV-ATTR:host").asText());

        JsonNode brief = http.get("/v2.1/servers").body().path("servers");
        assertThat(brief).hasSize(1);
        assertThat(brief.get(0).path("id").asText()).isEqualTo(id);
        assertThat(brief.get(0).has("status")).isFalse();
    }

    @Test
    void badCreatesGetNovasErrorsAndCreateNothing() throws Exception {
        String group = group("g", "anti-affinity", "");
        List<String[]> cases = List.of(
                new String[] {"{\"server\": ", "Malformed request body"},
                new String[] {"{\"server\": {\"imageRef\": \"" + image + "\", \"flavorRef\": \"" + flavor + "\"}}",
                        "'name' is a required property"},
                new String[] {body("x", group, 1, 1).replace(flavor, "no-such-flavor"),
                        "Flavor no-such-flavor could not be found."},
                new String[] {body("x", group, 1, 1).replace(image, "6f1c0f4e-0000-4000-8000-000000000000"),
                        "Image 6f1c0f4e-0000-4000-8000-000000000000 could not be found."},
                new String[] {body("x", group, 3, 2), "min_count must be <= max_count"},
                new String[] {body("x", group, 0, 1), "is less than the minimum of 1"},
                new String[] {body("x", "no-such-group", 1, 1), "Invalid server group"},
                new String[] {body("x", group, 1, 1).replace("\"name\"", "\"key_name\": \"k\", \"name\""),
                        "herd does not support 'key_name'"},
                new String[] {body("x", group, 1, 1).replace("\"name\"", "\"colour\": \"red\", \"name\""),
                        "Additional properties are not allowed ('colour' was unexpected)"},
                new String[] {body("x", group, 1, 1).replace("\"group\"", "\"different_host\""),
                        "scheduler hint 'different_host'"});
        for (String[] c : cases) {
            NovaHttp.Reply r = http.post("/v2.1/servers", c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.fault("badRequest")).as(c[0]).contains(c[1]);
        }
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 129; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
        }
        NovaHttp.Reply quota = http.post("/v2.1/servers", body("x", group, 1, 1)
                .replace("\"name\"", "\"metadata\": " + many + "}, \"name\""));
        assertThat(quota.status()).isEqualTo(403);
        NovaHttp.Reply huge = http.post("/v2.1/servers", "{\"server\": {\"name\": \"" + "x".repeat(200_000)
                + "\"}}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersCount()).isZero();
        assertThat(groupMembers(group)).isEmpty();
    }

    @Test
    void flavorsAndImagesAreListedAsTheClientsLookThemUp() throws Exception {
        JsonNode flavors = http.get("/v2.1/flavors/detail").body().path("flavors");
        assertThat(flavors).hasSize(1);
        assertThat(flavors.get(0).path("name").asText()).isEqualTo("m1.small");
        assertThat(flavors.get(0).path("ram").asInt()).isEqualTo(512);
        assertThat(http.get("/v2.1/flavors/" + flavor).body().path("flavor").path("vcpus").asInt()).isEqualTo(1);
        assertThat(http.get("/v2.1/flavors/nope").status()).isEqualTo(404);

        NovaHttp.Reply made = http.post("/v2.1/flavors", "{\"flavor\": {\"name\": \"m1.large\", \"ram\": 4096, "
                + "\"vcpus\": 4, \"disk\": 40, \"id\": \"large\"}}");
        assertThat(made.status()).isEqualTo(200);
        assertThat(h.core.flavors().get("large").memoryMib()).isEqualTo(4096);
        NovaHttp.Reply taken = http.post("/v2.1/flavors", "{\"flavor\": {\"name\": \"m1.large\", \"ram\": 64, "
                + "\"vcpus\": 1, \"disk\": 0}}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.fault("conflictingRequest")).contains("m1.large");
        NovaHttp.Reply tooSmall = http.post("/v2.1/flavors", "{\"flavor\": {\"name\": \"tiny\", \"ram\": 1, "
                + "\"vcpus\": 1, \"disk\": 0}}");
        assertThat(tooSmall.status()).isEqualTo(400);
        assertThat(tooSmall.fault("badRequest")).contains("memory");
        assertThat(h.core.flavors().list()).hasSize(2);
        assertThat(http.delete("/v2.1/flavors/large").status()).isEqualTo(202);
        assertThat(http.get("/v2.1/flavors/large").status()).isEqualTo(404);

        JsonNode images = http.get("/image/v2/images").body().path("images");
        assertThat(images).extracting(i -> i.path("name").asText()).containsExactlyInAnyOrderElementsOf(
                Harness.IMAGES);
        assertThat(http.get("/image/v2/images?name=" + Harness.IMAGE).body().path("images")).hasSize(1);
        assertThat(http.get("/image/v2/images/" + image).body().path("name").asText()).isEqualTo(Harness.IMAGE);
        // where novaclient looks, having only the compute endpoint
        assertThat(http.get("/v2.1/v2/images?name=" + Harness.IMAGE).body().path("images").get(0).path("id").asText())
                .isEqualTo(image);
        assertThat(http.get("/image/v2/images/" + flavor).status()).isEqualTo(404);
        assertThat(http.get("/image").body().path("versions").get(0).path("links").get(0).path("href").asText())
                .endsWith("/image/v2/");
    }

    // ---- helpers

    private String imageId(String name) throws Exception {
        for (JsonNode i : http.get("/image/v2/images").body().path("images")) {
            if (i.path("name").asText().equals(name)) {
                return i.path("id").asText();
            }
        }
        throw new AssertionError("no image " + name);
    }

    private String group(String name, String policy, String maxPerHost) throws Exception {
        String rules = maxPerHost.isEmpty() ? "" : ", \"rules\": {\"max_server_per_host\": " + maxPerHost + "}";
        NovaHttp.Reply r = http.post("/v2.1/os-server-groups", "{\"server_group\": {\"name\": \"" + name
                + "\", \"policy\": \"" + policy + "\"" + rules + "}}", "OpenStack-API-Version", "compute " + V264);
        assertThat(r.status()).isEqualTo(200);
        return r.body().path("server_group").path("id").asText();
    }

    private List<String> groupMembers(String group) throws Exception {
        List<String> out = new ArrayList<>();
        http.get("/v2.1/os-server-groups/" + group).body().path("server_group").path("members")
                .forEach(m -> out.add(m.asText()));
        return out;
    }

    private String body(String name, String group, int min, int max) {
        return "{\"server\": {\"name\": \"" + name + "\", \"imageRef\": \"" + image + "\", \"flavorRef\": \""
                + flavor + "\", \"min_count\": " + min + ", \"max_count\": " + max + "},"
                + " \"os:scheduler_hints\": {\"group\": \"" + group + "\"}}";
    }

    private String boot(String name, String group, int min, int max) throws Exception {
        NovaHttp.Reply r = http.post("/v2.1/servers", body(name, group, min, max));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
        return r.body().path("server").path("id").asText();
    }

    private JsonNode show(String id) throws Exception {
        NovaHttp.Reply r = http.get("/v2.1/servers/" + id);
        assertThat(r.status()).isEqualTo(200);
        return r.body().path("server");
    }

    private JsonNode active(String id) throws Exception {
        await().until(() -> show(id).path("status").asText().equals("ACTIVE"));
        return show(id);
    }

    private List<JsonNode> listDetail(String query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        http.get("/v2.1/servers/detail" + query).body().path("servers").forEach(out::add);
        return out;
    }
}
