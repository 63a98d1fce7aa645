package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.store.PostgresTestDatabase;
import io.herd.runtime.testing.Ports;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on one PostgreSQL database, each with its compute API: the standby's answers
 * 503 naming the leader, and serves the leader's groups once it leads.
 */
class NovaApiHighAvailabilityTest {

    private static final String GROUPS = "/v2.1/os-server-groups";

    @TempDir
    Path dir;

    private PostgresTestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        db.close();
    }

    private ControllerServer start() throws Exception {
        int port = Ports.free();
        return ControllerServer.start(ConfigLoader.load(null, Map.of("listen", "127.0.0.1:" + port,
                "store.path", dir.resolve("unused.db").toString(), "store.url", db.target().toString(),
                "ha.lease_ms", "1000", "nova_api.listen", "127.0.0.1:0"),
                Map.of(ConfigLoader.PASSWORD_ENV, db.target().password())), Clock.systemUTC());
    }

    @Test
    void theStandbyNamesTheLeaderThenServesItsGroupsOnceItLeads() throws Exception {
        ControllerServer first = start();
        try (ControllerServer second = start()) {
            NovaHttp toFirst = new NovaHttp(first.novaApiPort());
            NovaHttp toSecond = new NovaHttp(second.novaApiPort());
            try {
                NovaHttp.Reply created = toFirst.post(GROUPS, "{\"server_group\": {\"name\": \"web\", \"policies\": "
                        + "[\"anti-affinity\"]}}");
                assertThat(created.status()).isEqualTo(200);
                NovaHttp.Reply refused = toSecond.get(GROUPS);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.fault("serviceUnavailable")).contains("standby")
                        .contains("127.0.0.1:" + first.port());
                // discovery needs no leader
                assertThat(toSecond.get("/").status()).isEqualTo(200);
            } finally {
                first.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> toSecond.get(GROUPS).status() == 200);
            assertThat(toSecond.get(GROUPS).body().path("server_groups").findValuesAsText("name"))
                    .containsExactly("web");
        }
    }
}
