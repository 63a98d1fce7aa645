package io.herd.controller.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.controller.ControllerServer;
import io.herd.controller.auth.Tokens;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.nova.NovaHttp;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console on a real controller's HTTP port with auth.tokens_file: its files, its JSON
 * endpoints with the compute API's auth rules, the gRPC API's field errors, and its event stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleApiTest {

    private static final String TOKEN = "X-Auth-Token";
    private static final String VIEWER = "viewer-token-1";
    private static final String OPERATOR = "operator-token-1";
    private static final String GROUP = "{\"name\": \"web\", \"policy\": \"ANTI_AFFINITY\", \"max_per_domain\": 2}";

    @TempDir
    Path dir;
    private ControllerServer server;
    private NovaHttp http;
    private final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "dash viewer sha256:" + Tokens.sha256(VIEWER) + "\n"
                + "ci operator sha256:" + Tokens.sha256(OPERATOR) + "\n");
        server = ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "nova_api.listen", "127.0.0.1:0",
                "auth.tokens_file", tokens.toString())), Clock.systemUTC());
        http = new NovaHttp(server.novaApiPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pagesAreServedWithoutATokenWithTheirTypesAndNoOutsideSources() throws Exception {
        HttpResponse<String> page = fetch("/console/", Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("default-src 'self'");
        assertThat(page.body()).contains("<script type=\"module\" src=\"console.js\">").doesNotContain("http://",
                "https://");
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertThat(fetch("/console/", Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
        assertThat(fetch("/console/console.js", Map.of()).headers().firstValue("Content-Type"))
                .hasValue("text/javascript;charset=utf-8");
        assertThat(fetch("/console/console.css", Map.of()).headers().firstValue("Content-Type"))
                .hasValue("text/css;charset=utf-8");
        assertThat(fetch("/console/../controller.db", Map.of()).statusCode()).isIn(400, 404);
        assertThat(fetch("/console/nothing.js", Map.of()).statusCode()).isEqualTo(404);
        assertThat(fetch("/console", Map.of()).statusCode()).isEqualTo(308);
        // the compute API still answers everything else
        assertThat(http.get("/").status()).isEqualTo(200);
    }

    @Test
    void readsNeedAViewerAndChangesAnOperatorWithTheApiFieldErrors() throws Exception {
        NovaHttp.Reply none = http.get("/console/api/state");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().path("error").path("message").asText()).contains("X-Auth-Token");
        assertThat(http.get("/console/api/state", TOKEN, "not-a-token").status()).isEqualTo(401);

        NovaHttp.Reply state = http.get("/console/api/state", TOKEN, VIEWER);
        assertThat(state.status()).isEqualTo(200);
        assertThat(state.body().path("hosts").isArray()).isTrue();
        assertThat(state.body().path("groups").isEmpty()).isTrue();
        assertThat(http.get("/console/api/whoami", TOKEN, VIEWER).body().path("can_change").asBoolean()).isFalse();

        NovaHttp.Reply viewerCreates = http.post("/console/api/groups", GROUP, TOKEN, VIEWER);
        assertThat(viewerCreates.status()).isEqualTo(403);
        assertThat(viewerCreates.body().path("error").path("message").asText()).contains("operator");

        NovaHttp.Reply tooMany = http.post("/console/api/groups",
                "{\"name\": \"web\", \"policy\": \"ANTI_AFFINITY\", \"max_per_domain\": 5000}", TOKEN, OPERATOR);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body().path("error").path("field").asText()).isEqualTo("max_per_domain");
        assertThat(tooMany.body().path("error").path("message").asText())
                .startsWith("max_per_domain: must be between 1 and 1000");
        NovaHttp.Reply noPolicy = http.post("/console/api/groups", "{\"name\": \"web\"}", TOKEN, OPERATOR);
        assertThat(noPolicy.body().path("error").path("field").asText()).isEqualTo("policy");
        assertThat(http.post("/console/api/groups", GROUP, TOKEN, OPERATOR, "Content-Type", "text/plain").status())
                .isEqualTo(415);

        NovaHttp.Reply created = http.post("/console/api/groups", GROUP, TOKEN, OPERATOR);
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("max_per_domain").asInt()).isEqualTo(2);
        NovaHttp.Reply again = http.post("/console/api/groups", GROUP, TOKEN, OPERATOR);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("error").path("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(again.body().path("error").path("field").asText()).isEqualTo("name");

        NovaHttp.Reply badServer = http.post("/console/api/servers", "{\"name\": \"\", \"vcpus\": 1, "
                + "\"memory_mib\": 64}", TOKEN, OPERATOR);
        assertThat(badServer.status()).isEqualTo(400);
        assertThat(badServer.body().path("error").path("field").asText()).isEqualTo("name");

        String id = created.body().path("id").asText();
        assertThat(http.delete("/console/api/groups/" + id, TOKEN, VIEWER).status()).isEqualTo(403);
        assertThat(http.delete("/console/api/groups/" + id, TOKEN, OPERATOR).status()).isEqualTo(200);
        assertThat(http.get("/console/api/state", TOKEN, VIEWER).body().path("groups").isEmpty()).isTrue();
        assertThat(http.delete("/console/api/servers/nope", TOKEN, OPERATOR).status()).isEqualTo(404);
    }

    @Test
    void serversCreatedInTheConsoleAreAnsweredOnceTheirClaimIsOnDisk() throws Exception {
        io.grpc.ManagedChannel channel = io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                io.grpc.InsecureChannelCredentials.create()).build();
        try {
            io.herd.api.v1.AgentRegistryGrpc.newBlockingStub(channel).heartbeat(io.herd.api.v1.HeartbeatRequest
                    .newBuilder().setHostId("hv1").setHostName("hv1").setAgentAddress("127.0.0.1:1")
                    .setCapacity(io.herd.api.v1.HostCapacity.newBuilder().setCpus(8).setMemoryMib(16_384)
                            .setDiskFreeGib(100).setDiskTotalGib(100).setCpuAllocationRatio(1)
                            .setRamAllocationRatio(1)).addImages("cirros").build());
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }

        NovaHttp.Reply created = http.post("/console/api/servers", "{\"name\": \"web\", \"count\": 2, "
                + "\"vcpus\": 1, \"memory_mib\": 64, \"disk_gib\": 1, \"image\": \"cirros\"}", TOKEN, OPERATOR);

        assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
        assertThat(created.body().path("servers")).hasSize(2);
        assertThat(created.body().path("servers").get(0).path("host_id").asText()).isEqualTo("hv1");
    }

    @Test
    void theEventStreamBeginsWithTheStateAndSendsChanges() throws Exception {
        assertThat(raw.send(HttpRequest.newBuilder(uri("/console/api/events")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        HttpResponse<InputStream> events = raw.send(HttpRequest.newBuilder(uri("/console/api/events"))
                .header(TOKEN, VIEWER).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: state");
            assertThat(lines.readLine()).startsWith("data: {\"hosts\":[]");
            assertThat(http.post("/console/api/groups", GROUP, TOKEN, OPERATOR).status()).isEqualTo(200);
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.equals("event: group"));
            assertThat(line).isEqualTo("event: group");
            assertThat(lines.readLine()).contains("\"name\":\"web\"").contains("\"policy\":\"ANTI_AFFINITY\"");
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.novaApiPort() + path);
    }

    private HttpResponse<String> fetch(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        headers.forEach(b::header);
        return raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
