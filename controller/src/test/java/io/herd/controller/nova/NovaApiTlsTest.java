package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.herd.controller.ControllerServer;
import io.herd.controller.auth.Tokens;
import io.herd.controller.config.ConfigLoader;
import io.herd.runtime.testing.TestCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * With tls.* set, the compute API is HTTPS with the controller's certificate, on a
 * non-loopback address without --insecure, and a caller is who its client certificate or
 * its token says: no credentials is 401, a viewer's certificate may read but not create.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NovaApiTlsTest {

    private static final String OPERATOR_TOKEN = "tls-operator-token";

    @TempDir
    static Path dir;

    private TestCa ca;
    private ControllerServer controller;

    @BeforeAll
    void start() throws Exception {
        ca = TestCa.create(dir.resolve("tls"));
        TestCa.Issued server = ca.issue("controller", "controller", "127.0.0.1", "localhost");
        Path tokens = Files.writeString(dir.resolve("tokens"), "ci operator sha256:" + Tokens.sha256(OPERATOR_TOKEN)
                + "\n");
        controller = ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "tls.cert_file", server.cert().toString(),
                "tls.key_file", server.key().toString(), "tls.ca_file", server.ca().toString(),
                "auth.tokens_file", tokens.toString(), "nova_api.listen", "0.0.0.0:0")), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        controller.close();
    }

    @Test
    void aClientCertificateOrATokenIsTheCallerAndNothingElseIs() throws Exception {
        String groups = "https://127.0.0.1:" + controller.novaApiPort() + "/v2.1/os-server-groups";
        HttpClient anonymous = client(null);
        assertThat(get(anonymous, groups, null).statusCode()).isEqualTo(401);
        assertThat(get(anonymous, groups, OPERATOR_TOKEN).statusCode()).isEqualTo(200);

        HttpClient viewer = client(ca.issue("viewer", "dashboard"));
        assertThat(get(viewer, groups, null).statusCode()).isEqualTo(200);
        // what a client without Keystone sends as its token is passed over for the certificate
        assertThat(get(viewer, groups, "notused").statusCode()).isEqualTo(200);
        assertThat(get(anonymous, groups, "notused").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = post(viewer, groups, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("needs the operator role");

        // the console on the same port, by the same rules
        String console = "https://127.0.0.1:" + controller.novaApiPort() + "/console/api/whoami";
        assertThat(get(anonymous, console, null).statusCode()).isEqualTo(401);
        HttpResponse<String> whoami = get(viewer, console, null);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(whoami.body()).contains("dashboard").contains("\"can_change\":false");

        HttpClient operator = client(ca.issue("operator", "provisioner"));
        assertThat(post(operator, groups, null).statusCode()).isEqualTo(200);
        assertThat(get(viewer, groups, null).body()).contains("\"name\":\"web\"");
    }

    @Test
    void plainHttpIsNotServed() {
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + controller.novaApiPort() + "/v2.1/os-server-groups")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    private HttpClient client(TestCa.Issued identity) throws Exception {
        AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
        trust.updateTrustCredentials(ca.caFile().toFile());
        KeyManager[] keys = null;
        if (identity != null) {
            AdvancedTlsX509KeyManager key = new AdvancedTlsX509KeyManager();
            key.updateIdentityCredentials(identity.cert().toFile(), identity.key().toFile());
            keys = new KeyManager[] {key};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, new TrustManager[] {trust}, null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"server_group\": {\"name\": \"web\", \"policies\": "
                        + "[\"anti-affinity\"]}}"));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
