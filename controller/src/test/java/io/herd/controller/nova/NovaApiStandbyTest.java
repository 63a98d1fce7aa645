package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.controller.auth.AuditLog;
import io.herd.controller.core.ControllerCore;
import io.herd.runtime.config.HostPort;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A controller that does not lead answers the compute API with 503, naming the leader. */
class NovaApiStandbyTest {

    private static final String WHY = "this controller is a standby; ctl-a.example.org:7700 leads (term 4); the "
            + "leader is ctl-a.example.org:7700: call it there";

    @Test
    void aStandbyAnswers503NamingTheLeaderAndStillServesDiscovery() throws Exception {
        LeaderCore standby = new LeaderCore() {
            @Override
            public Optional<ControllerCore> core() {
                return Optional.empty();
            }

            @Override
            public String whyNone() {
                return WHY;
            }
        };
        try (NovaApiServer server = NovaApiServer.start(new HostPort("127.0.0.1", 0), standby, null,
                new AuditLog())) {
            NovaHttp http = new NovaHttp(server.port());
            NovaHttp.Reply list = http.get("/v2.1/os-server-groups");
            assertThat(list.status()).isEqualTo(503);
            assertThat(list.fault("serviceUnavailable")).isEqualTo(WHY);
            assertThat(list.body().path("serviceUnavailable").path("code").asInt()).isEqualTo(503);
            NovaHttp.Reply create = http.post("/v2.1/os-server-groups", "{\"server_group\": {\"name\": \"web\", "
                    + "\"policies\": [\"affinity\"]}}");
            assertThat(create.status()).isEqualTo(503);
            assertThat(create.fault("serviceUnavailable")).contains("ctl-a.example.org:7700");
            assertThat(http.get("/").status()).isEqualTo(200);
            assertThat(http.get("/v2.1").body().path("version").path("id").asText()).isEqualTo("v2.1");
            // the console on the same port: its page loads, its data names the leader
            assertThat(http.get("/console/state").status()).isEqualTo(404);
            NovaHttp.Reply state = http.get("/console/api/state");
            assertThat(state.status()).isEqualTo(503);
            assertThat(state.body().toString()).contains("ctl-a.example.org:7700");
        }
    }
}
