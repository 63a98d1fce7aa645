package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats read while an agent was still working arrive after its answer: they change nothing. */
class HeartbeatRacesTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        h.heartbeat("a");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aDomainReadWhileItsAgentWasStartingItDoesNotTurnAnActiveServerToError() {
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);

        // read between the define and the start of the launch: defined, not running yet
        h.registry.heartbeat(h.report("a").clearServers().addServers(AgentServer.newBuilder()
                .setServerId(s.getId()).setState(ServerState.SERVER_STATE_BUILDING).setLibvirtState("shutoff"))
                .build());

        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.server(s.getId()).getStateMessage()).isEmpty();
    }

    @Test
    void aDomainReadJustBeforeItsDeleteIsNotReportedAsUnknownButAStayingOneIs() {
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        var before = h.report("a").build();
        assertThat(h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build()).getDeleted())
                .isTrue();

        HeartbeatResponse late = h.registry.heartbeat(before);

        assertThat(late.getUnknownServerIdsList()).isEmpty();
        assertThat(h.host("a").getUnknownServerIdsList()).isEmpty();
        h.clock.advance(Duration.ofSeconds(11));
        assertThat(h.registry.heartbeat(before).getUnknownServerIdsList()).containsExactly(s.getId());
    }
}
