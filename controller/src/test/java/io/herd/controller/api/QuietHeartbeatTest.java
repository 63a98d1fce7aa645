package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heartbeat that repeats its host's last one, when that one found nothing to do, has only its
 * time written: these check that whatever changed since, at the host or in the controller, is
 * still seen by the next heartbeat.
 */
class QuietHeartbeatTest {

    @TempDir
    Path dir;
    Harness h;
    Server s;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        h.heartbeat("a");
        s = h.active(h.create("s", "", 1).getServers(0));
        // the first lists the new domain, the second finds nothing to do: a is quiet from then on
        h.heartbeat("a");
        h.heartbeat("a");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void repeatedHeartbeatsKeepTheirHostUp() {
        for (int i = 0; i < 4; i++) {
            h.pass(Duration.ofSeconds(10), "a");
            assertThat(h.host("a").getUp()).isTrue();
        }

        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aDomainThatStopsIsSeenAfterRepeatedHeartbeats() {
        h.registry.heartbeat(stopped(h.report("a")).build());

        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ERROR);
        assertThat(h.server(s.getId()).getStateMessage()).contains("domain is shut off");
    }

    @Test
    void aQuietHostMarkedDownComesBackWithTheSameHeartbeat() {
        h.pass(Duration.ofSeconds(20));
        assertThat(h.host("a").getUp()).isFalse();

        h.heartbeat("a");

        assertThat(h.host("a").getUp()).isTrue();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aServerThatMovedAwayIsDestroyedWhenTheOldHostRepeatsItsLastHeartbeat() {
        HeartbeatRequest before = h.report("a").build();
        h.heartbeat("b");
        h.servers.migrateServer(MigrateServerRequest.newBuilder().setId(s.getId()).build());
        org.awaitility.Awaitility.await().until(() -> h.server(s.getId()).getHostId().equals("b")
                && h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);

        // read before the move removed the domain, and arriving after it: the same report as the quiet one
        assertThat(h.registry.heartbeat(before).getDestroyServerIdsList()).containsExactly(s.getId());
    }

    @Test
    void aListThatNamesOneDomainTwiceIsNotTakenForTheSameDomains() {
        Server t = h.active(h.create("t", "", 1).getServers(0));
        h.heartbeat("a");
        h.heartbeat("a");
        AgentServer first = h.report("a").getServers(0);
        HeartbeatRequest twice = h.report("a").clearServers().addServers(first).addServers(first).build();
        String missing = first.getServerId().equals(s.getId()) ? t.getId() : s.getId();

        h.registry.heartbeat(twice);
        h.registry.heartbeat(twice);

        assertThat(h.state(missing)).isEqualTo(ServerState.SERVER_STATE_ERROR);
        assertThat(h.server(missing).getStateMessage()).contains("domain vanished");
    }

    private static HeartbeatRequest.Builder stopped(HeartbeatRequest.Builder b) {
        AgentServer running = b.getServers(0);
        return b.setServers(0, running.toBuilder().setState(ServerState.SERVER_STATE_STOPPED).setLibvirtState("shut off"));
    }
}
