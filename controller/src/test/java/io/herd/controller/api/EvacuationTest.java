package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.EvacuateHostResponse;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.model.HostFailurePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that is DOWN past the grace period has its EVACUATE groups' members placed again
 * under the same rules as new members and relaunched elsewhere; NONE groups wait for the
 * operator; the host, when it returns, is told to destroy its copies of moved servers.
 */
class EvacuationTest {

    static final Duration GRACE = Duration.ofSeconds(30);
    static final Duration DOWN = Duration.ofSeconds(16);

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir, new CoreSettings(Harness.HEARTBEAT, 0, 0, 2, GRACE, HostFailurePolicy.NONE, 4, 4));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void afterTheGracePeriodEvacuateMembersMoveUnderTheirPolicyAndNoneMembersWait() {
        for (String host : List.of("a", "b", "c")) {
            h.heartbeat(host);
        }
        ServerGroup web = h.evacuatingGroup("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        ServerGroup keep = h.group("keep", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        assertThat(keep.getOnHostFailure()).isEqualTo(io.herd.api.v1.OnHostFailure.ON_HOST_FAILURE_NONE);
        List<Server> members = h.create("web", web.getId(), 2).getServersList().stream().map(h::active).toList();
        Server moving = members.get(0);
        String dead = moving.getHostId();
        Server other = members.get(1);
        Server waiting = h.active(h.servers.createServers(Harness.request("keep", keep.getId()).build()).getServers(0));
        assertThat(h.agents.fenced(moving.getId())).as("EVACUATE members are launched fenced").isTrue();
        assertThat(h.agents.fenced(waiting.getId())).isFalse();
        String[] alive = List.of("a", "b", "c").stream().filter(x -> !x.equals(dead)).toArray(String[]::new);
        // the NONE member on the dead host too, if placement put it elsewhere
        boolean waitingOnDead = waiting.getHostId().equals(dead);

        h.pass(DOWN, alive);
        assertThat(h.host(dead).getUp()).isFalse();
        assertThat(h.state(moving.getId())).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        assertThat(h.host(dead).hasEvacuateAt()).isTrue();

        h.pass(GRACE.minusSeconds(5), alive);
        assertThat(h.state(moving.getId())).as("still in the grace period").isEqualTo(ServerState.SERVER_STATE_UNKNOWN);

        h.pass(Duration.ofSeconds(6), alive);
        Server moved = h.active(moving);
        assertThat(moved.getHostId()).isNotEqualTo(dead).isNotEqualTo(other.getHostId());
        assertThat(moved.getName()).isEqualTo(moving.getName());
        assertThat(moved.getHistoryList()).extracting(ServerHistoryEntry::getEvent).containsExactly(
                ServerHistoryEntry.Event.EVENT_PLACED, ServerHistoryEntry.Event.EVENT_EVACUATED);
        ServerHistoryEntry step = moved.getHistory(1);
        assertThat(step.getFromHostName()).isEqualTo(dead);
        assertThat(step.getToHostName()).isEqualTo(moved.getHostName());
        assertThat(step.getMessage()).contains("DOWN for the grace period");
        assertThat(h.groupNamed("web").getCompliance().getCompliant()).isTrue();
        assertThat(h.host(dead).getAllocated().getVcpus()).isEqualTo(waitingOnDead ? 1 : 0);
        if (waitingOnDead) {
            assertThat(h.state(waiting.getId())).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        }

        // the dead host returns, still running its copy: it is told to destroy it, and only it
        HeartbeatResponse back = h.heartbeat(dead);
        assertThat(back.getDestroyServerIdsList()).containsExactly(moving.getId());
        assertThat(back.getUnknownServerIdsList()).isEmpty();
        assertThat(h.state(waiting.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.server(moving.getId()).getHostId()).isEqualTo(moved.getHostId());
    }

    @Test
    void aMemberWithNoLegalHostStaysUnknownWithTheReasonAndMovesWhenAHostAppears() {
        h.heartbeat("a");
        h.heartbeat("b");
        ServerGroup web = h.evacuatingGroup("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", web.getId(), 2).getServersList().stream().map(h::active).toList();
        Server onA = members.stream().filter(s -> s.getHostId().equals("a")).findFirst().orElseThrow();

        h.pass(DOWN, "b");
        h.pass(GRACE.plusSeconds(1), "b");

        Server stuck = h.server(onA.getId());
        assertThat(stuck.getState()).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        assertThat(stuck.getHostId()).isEqualTo("a");
        assertThat(stuck.getStateMessage()).contains("no other host may take it now")
                .contains("1 already holds a member").contains("tried again when capacity appears");
        h.pass(Duration.ofSeconds(1), "b");
        assertThat(h.agents.launchesOf(onA.getId())).isEqualTo(1);

        h.heartbeat("c");
        h.pass(Duration.ofSeconds(1), "b", "c");
        Server moved = h.active(onA);
        assertThat(moved.getHostId()).isEqualTo("c");
        assertThat(h.groupNamed("web").getCompliance().getCompliant()).isTrue();
    }

    @Test
    void anAffinityGroupsMembersOnTheDeadHostMoveTogether() {
        h.heartbeat("a");
        ServerGroup pair = h.evacuatingGroup("pair", Policy.AFFINITY, Scope.HOST, 0);
        List<Server> members = h.create("pair", pair.getId(), 2).getServersList().stream().map(h::active).toList();
        assertThat(members).allSatisfy(s -> assertThat(s.getHostId()).isEqualTo("a"));
        h.heartbeat("b");
        h.heartbeat("c");

        h.pass(DOWN, "b", "c");
        h.pass(GRACE.plusSeconds(1), "b", "c");

        List<Server> moved = members.stream().map(h::active).toList();
        assertThat(moved).extracting(Server::getHostId).doesNotContain("a");
        assertThat(moved.get(0).getHostId()).isEqualTo(moved.get(1).getHostId());
        assertThat(h.groupNamed("pair").getCompliance().getCompliant()).isTrue();
    }

    @Test
    void anOperatorEvacuatesADeadHostAtOnceWhateverTheGroupsChoseButNotAnUpHost() {
        h.heartbeat("a");
        h.heartbeat("b");
        ServerGroup keep = h.group("keep", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        Server s = h.active(h.servers.createServers(Harness.request("keep", keep.getId()).build()).getServers(0));
        String dead = s.getHostId();
        String alive = dead.equals("a") ? "b" : "a";
        assertCode(Status.Code.FAILED_PRECONDITION, "is up", () -> h.hosts.evacuateHost(
                EvacuateHostRequest.newBuilder().setId(dead).build()));

        h.pass(DOWN, alive);
        EvacuateHostResponse r = h.hosts.evacuateHost(EvacuateHostRequest.newBuilder().setId(dead).build());

        assertThat(r.getMovedList()).singleElement().satisfies(m -> {
            assertThat(m.getServerId()).isEqualTo(s.getId());
            assertThat(m.getToHostName()).isEqualTo(alive);
        });
        assertThat(r.getLeftList()).isEmpty();
        assertThat(r.getHost().getSchedulable()).isFalse();
        assertThat(r.getHost().getNotPlaceableReason()).contains("down");
        Server moved = h.active(s);
        assertThat(moved.getHostId()).isEqualTo(alive);
        assertThat(moved.getHistory(1).getMessage()).contains("evacuated by an operator");
        assertThat(h.agents.fenced(s.getId())).isFalse();

        // back: its copy goes, the host stays cordoned until an operator says otherwise
        assertThat(h.heartbeat(dead).getDestroyServerIdsList()).containsExactly(s.getId());
        assertThat(h.host(dead).getSchedulable()).isFalse();
        assertThat(h.host(dead).getNotPlaceableReason()).startsWith("cordoned: evacuated by an operator");
    }

    @Test
    void aServerItsAgentFencedIsLaunchedAgainWhereItLives() {
        h.heartbeat("a");
        ServerGroup web = h.evacuatingGroup("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        Server s = h.active(h.create("web", web.getId(), 1).getServers(0));
        // the agent was cut off, destroyed the domain, and is back before the grace period ended
        h.agents.domains.get(Harness.address("a")).remove(s.getId());

        h.registry.heartbeat(h.report("a").addFencedServerIds(s.getId()).build());

        Server again = h.active(s);
        assertThat(again.getHostId()).isEqualTo("a");
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(2);
        assertThat(again.getHistoryList()).extracting(ServerHistoryEntry::getEvent)
                .containsExactly(ServerHistoryEntry.Event.EVENT_PLACED, ServerHistoryEntry.Event.EVENT_FENCED);
    }

    @Test
    void aServerIsNotMovedBackOntoAHostUntilItsStaleCopyThereIsGone() {
        h.heartbeat("a");
        ServerGroup web = h.evacuatingGroup("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        Server s = h.active(h.create("web", web.getId(), 1).getServers(0));
        h.heartbeat("b");
        h.pass(DOWN, "b");
        h.pass(GRACE.plusSeconds(1), "b");
        assertThat(h.active(s).getHostId()).isEqualTo("b");
        // a returns still running its copy, which its agent is told to destroy
        assertThat(h.heartbeat("a").getDestroyServerIdsList()).containsExactly(s.getId());

        assertCode(Status.Code.RESOURCE_EXHAUSTED, "2 hosts are excluded", () -> h.servers.migrateServer(
                io.herd.api.v1.MigrateServerRequest.newBuilder().setId(s.getId()).build()));

        h.agents.domains.get(Harness.address("a")).remove(s.getId());
        h.heartbeat("a");
        Server moving = h.servers.migrateServer(io.herd.api.v1.MigrateServerRequest.newBuilder().setId(s.getId())
                .build());
        assertThat(moving.getHostId()).isEqualTo("a");
    }

    @Test
    void everyHeartbeatAnswerCarriesTheFencingPeriodWhichEndsBeforeTheEvacuation() {
        HeartbeatResponse r = h.heartbeat("a");
        // DOWN after 3 × 5 s, evacuated 30 s later; agents fence halfway through the grace period
        assertThat(r.getFenceAfterMs()).isEqualTo(15_000 + 15_000);
        assertThat(r.getFenceAfterMs()).isLessThan(DOWN.plus(GRACE).toMillis());
    }
}
