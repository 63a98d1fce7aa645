package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch whose outcome is unknown leaves no second copy behind, and a delete accepted in
 * any state — while a server is placed again, or across a controller restart — ends with no
 * domain anywhere and every claim given back.
 */
class DeleteRacesTest {

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

    private boolean gone(String id) {
        return h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList().stream()
                .noneMatch(s -> s.getId().equals(id));
    }

    private DeleteServerResponse delete(String id) {
        return h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(id).build());
    }

    /**
     * A server placed on host a whose launch there hangs, then loses its answer after making
     * the domain; host b appears meanwhile, so the server is placed again on b.
     */
    private Server launchLostOnAWithBWaiting() {
        CountDownLatch hang = new CountDownLatch(1);
        h.agents.hung.put(Harness.address("a"), hang);
        h.agents.lostAnswers.add(Harness.address("a"));
        Server s = h.create("s", "", 1).getServers(0);
        assertThat(s.getHostId()).isEqualTo("a");
        await().until(() -> h.agents.launches.size() == 1);
        h.heartbeat("b");
        hang.countDown();
        return s;
    }

    @Test
    void aLaunchWithAnUnknownOutcomeHasItsDomainRemovedBeforeTheServerIsLaunchedElsewhere() {
        Server s = launchLostOnAWithBWaiting();

        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);

        assertThat(h.server(s.getId()).getHostId()).isEqualTo("b");
        assertThat(h.agents.calls).containsSubsequence("launch " + s.getId() + "@" + Harness.address("a"),
                "delete " + s.getId() + "@" + Harness.address("a"), "launch " + s.getId() + "@"
                        + Harness.address("b"));
        assertThat(h.agents.on(Harness.address("a"))).doesNotContain(s.getId());
        assertThat(h.host("a").getAllocated().getVcpus()).isZero();
        assertThat(h.server(s.getId()).getHistoryList()).extracting(ServerHistoryEntry::getEvent)
                .containsExactly(ServerHistoryEntry.Event.EVENT_PLACED, ServerHistoryEntry.Event.EVENT_LAUNCH_RETRIED);
    }

    @Test
    void aDeleteWhileTheServerIsPlacedAgainRemovesItsDomainsOnBothHosts() {
        // removing the lost launch's domain on a is slow
        h.agents.deleteGate = new CountDownLatch(1);
        Server s = launchLostOnAWithBWaiting();
        await().until(() -> h.server(s.getId()).getStateMessage().contains("retrying on host b"));
        // both hosts hold it: a until its stray domain is gone, b where it goes
        assertThat(h.host("a").getAllocated().getVcpus()).isEqualTo(1);
        assertThat(h.host("b").getAllocated().getVcpus()).isEqualTo(1);

        DeleteServerResponse r = delete(s.getId());

        assertThat(r.getDeleted()).isFalse();
        assertThat(r.getServer().getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
        h.agents.deleteGate.countDown();
        await().until(() -> gone(s.getId()));
        assertThat(h.agents.on(Harness.address("a"))).doesNotContain(s.getId());
        assertThat(h.agents.on(Harness.address("b"))).doesNotContain(s.getId());
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(1);
        assertThat(h.host("a").getAllocated().getVcpus()).isZero();
        assertThat(h.host("b").getAllocated().getVcpus()).isZero();
    }

    @Test
    void aLaunchWhoseAnswerIsLostAfterAHeartbeatSawItsDomainRunLeavesTheDomainAlone() {
        // the domain is made, a heartbeat reports it running, then the launch's answer is lost
        h.agents.domainBeforeGate = true;
        h.agents.launchGate = new CountDownLatch(1);
        h.agents.lostAnswers.add(Harness.address("a"));
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.agents.on(Harness.address("a")).contains(s.getId()));
        h.heartbeat("a");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);

        h.agents.launchGate.countDown();
        await().until(() -> h.agents.launchesAnswered() == 1);

        // the lost answer changes nothing: the server runs where it is recorded, untouched
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
                h.agents.deletes.isEmpty() && h.agents.on(Harness.address("a")).contains(s.getId()));
        h.heartbeat("a");
        h.heartbeat("a");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aDeleteThatCouldNotReachTheAgentGoesOnAfterARestart() throws Exception {
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        h.agents.failingDeletes.add(Harness.address("a"));
        assertThat(delete(s.getId()).getDeleted()).isFalse();

        h.restart();

        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_DELETING);
        assertThat(h.host("a").getAllocated().getVcpus()).as("its claim is held while the domain may run")
                .isEqualTo(1);
        h.agents.failingDeletes.clear();
        h.heartbeat("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> gone(s.getId()));
        assertThat(h.agents.on(Harness.address("a"))).isEmpty();
        assertThat(h.host("a").getAllocated().getVcpus()).isZero();
    }

    @Test
    void aServerWhoseDomainWasDefinedButNeverStartedIsLaunchedAgain() throws Exception {
        h.agents.launchGate = new CountDownLatch(1);
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.agents.launches.size() == 1);
        h.restart();
        h.agents.launchGate.countDown();

        // the agent died between define and start: the domain is there, shut off
        h.registry.heartbeat(h.report("a").clearServers().addServers(io.herd.api.v1.AgentServer.newBuilder()
                .setServerId(s.getId()).setState(ServerState.SERVER_STATE_STOPPED).setLibvirtState("shutoff"))
                .build());

        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(2);
    }

    @Test
    void aServerBuildingAtARestartIsLaunchedOnceItsHostReports() throws Exception {
        h.agents.launchGate = new CountDownLatch(1);
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.agents.launches.size() == 1);
        h.restart();
        h.agents.launchGate.countDown();

        h.heartbeat("a");

        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.agents.on(Harness.address("a"))).containsExactly(s.getId());
    }
}
