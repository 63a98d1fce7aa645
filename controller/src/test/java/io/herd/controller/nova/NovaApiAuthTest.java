package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.controller.ControllerServer;
import io.herd.controller.auth.Tokens;
import io.herd.controller.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With auth.tokens_file set, the compute API takes the gRPC API's tokens in X-Auth-Token, by role. */
class NovaApiAuthTest {

    private static final String GROUPS = "/v2.1/os-server-groups";
    private static final String VIEWER = "viewer-token-1";
    private static final String OPERATOR = "operator-token-1";
    private static final String BODY = "{\"server_group\": {\"name\": \"web\", \"policies\": [\"anti-affinity\"]}}";

    @TempDir
    Path dir;

    @Test
    void readsNeedAViewerTokenAndChangesAnOperatorToken() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "dash viewer sha256:" + Tokens.sha256(VIEWER) + "\n"
                + "ci operator sha256:" + Tokens.sha256(OPERATOR) + "\n");
        try (ControllerServer server = ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "nova_api.listen", "127.0.0.1:0",
                "auth.tokens_file", tokens.toString())), Clock.systemUTC())) {
            NovaHttp http = new NovaHttp(server.novaApiPort());
            String token = NovaAuth.TOKEN_HEADER;

            // discovery needs no token
            assertThat(http.get("/").status()).isEqualTo(200);
            assertThat(http.get("/v2.1/").status()).isEqualTo(200);

            NovaHttp.Reply none = http.get(GROUPS);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.fault("unauthorized")).contains("X-Auth-Token");
            NovaHttp.Reply unknown = http.post(GROUPS, BODY, token, "not-a-token");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.fault("unauthorized")).contains("not one this controller knows");

            assertThat(http.get(GROUPS, token, VIEWER).status()).isEqualTo(200);
            NovaHttp.Reply viewerCreates = http.post(GROUPS, BODY, token, VIEWER);
            assertThat(viewerCreates.status()).isEqualTo(403);
            assertThat(viewerCreates.fault("forbidden")).isEqualTo("Policy doesn't allow "
                    + "os_compute_api:os-server-groups:create to be performed: token dash (viewer) needs the operator "
                    + "role.");
            assertThat(http.get(GROUPS, token, VIEWER).body().path("server_groups").isEmpty()).isTrue();

            NovaHttp.Reply created = http.post(GROUPS, BODY, token, OPERATOR);
            assertThat(created.status()).isEqualTo(200);
            String id = created.body().path("server_group").path("id").asText();
            assertThat(http.delete(GROUPS + "/" + id, token, VIEWER).status()).isEqualTo(403);
            assertThat(http.get(GROUPS + "/" + id, token, VIEWER).status()).isEqualTo(200);
            assertThat(http.delete(GROUPS + "/" + id, token, OPERATOR).status()).isEqualTo(204);
            assertThat(http.get(GROUPS, token, OPERATOR).body().path("server_groups").isEmpty()).isTrue();
        }
    }
}
