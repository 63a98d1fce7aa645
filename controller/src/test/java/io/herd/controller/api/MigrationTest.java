package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.DrainHostResponse;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold migration and drain: a server moves only under its group's rules, its old host keeps
 * its capacity and group slot until the old domain is gone, and the old domain is removed
 * before the new one starts.
 */
class MigrationTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        for (String host : List.of("a", "b", "c")) {
            h.heartbeat(host);
        }
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void cordon(String host, boolean schedulable) {
        h.hosts.setHostSchedulable(io.herd.api.v1.SetHostSchedulableRequest.newBuilder().setId(host)
                .setSchedulable(schedulable).setReason("test").build());
    }

    private Server migrate(String id, String to) {
        return h.servers.migrateServer(MigrateServerRequest.newBuilder().setId(id).setToHost(to).build());
    }

    @Test
    void theOldHostIsHeldUntilItsDomainIsGoneAndTheNewDomainStartsOnlyThen() {
        ServerGroup web = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", web.getId(), 2).getServersList().stream().map(h::active).toList();
        Server s = members.get(0);
        String from = s.getHostId();
        h.agents.deleteGate = new CountDownLatch(1);

        Server moving = migrate(s.getId(), "");

        String to = moving.getHostId();
        assertThat(to).isNotEqualTo(from).isNotEqualTo(members.get(1).getHostId());
        assertThat(moving.getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);
        // both hosts hold it: no third member fits anywhere while the old domain may still run
        assertThat(h.host(from).getAllocated().getVcpus()).isEqualTo(1);
        assertThat(h.host(to).getAllocated().getVcpus()).isEqualTo(1);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "3 hosts already hold a member", () -> h.create("more",
                web.getId(), 1));
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(1);

        h.agents.deleteGate.countDown();
        Server moved = h.active(s);
        assertThat(moved.getHostId()).isEqualTo(to);
        assertThat(h.agents.calls).containsSubsequence("delete " + s.getId() + "@" + Harness.address(from),
                "launch " + s.getId() + "@" + Harness.address(to));
        assertThat(h.agents.on(Harness.address(from))).doesNotContain(s.getId());
        assertThat(h.host(from).getAllocated().getVcpus()).isZero();
        assertThat(moved.getHistoryList()).extracting(ServerHistoryEntry::getEvent).containsExactly(
                ServerHistoryEntry.Event.EVENT_PLACED, ServerHistoryEntry.Event.EVENT_MIGRATED);
        assertThat(h.groupNamed("web").getCompliance().getCompliant()).isTrue();
    }

    @Test
    void aMigrationGoesToTheNamedHostOnlyWhenTheRulesAllowIt() {
        ServerGroup web = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", web.getId(), 2).getServersList().stream().map(h::active).toList();
        Server s = members.get(0);
        String free = List.of("a", "b", "c").stream().filter(x -> members.stream()
                .noneMatch(m -> m.getHostId().equals(x))).findFirst().orElseThrow();

        assertCode(Status.Code.FAILED_PRECONDITION, "already runs on host", () -> migrate(s.getId(),
                s.getHostId()));
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "already holds a member", () -> migrate(s.getId(),
                members.get(1).getHostId()));
        assertCode(Status.Code.NOT_FOUND, "to_host", () -> migrate(s.getId(), "nowhere"));
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);

        assertThat(h.active(migrate(s.getId(), free)).getHostId()).isEqualTo(free);

        h.agents.launchGate = new CountDownLatch(1);
        Server building = h.create("new", "", 1).getServers(0);
        assertCode(Status.Code.FAILED_PRECONDITION, "BUILDING", () -> migrate(building.getId(), ""));
        h.agents.launchGate.countDown();
    }

    @Test
    void aDrainMovesWhatMayMoveAndReportsWhatMayNot() {
        ServerGroup web = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", web.getId(), 3).getServersList().stream().map(h::active).toList();
        Server pinned = members.stream().filter(m -> m.getHostId().equals("a")).findFirst().orElseThrow();
        // a server without a group on host a: the others are cordoned while it is placed
        cordon("b", false);
        cordon("c", false);
        Server loose = h.active(h.servers.createServers(Harness.request("loose", "").build()).getServers(0));
        cordon("b", true);
        cordon("c", true);
        assertThat(loose.getHostId()).isEqualTo("a");

        DrainHostResponse r = h.hosts.drainHost(DrainHostRequest.newBuilder().setId("a").setReason("DIMM swap")
                .build());

        assertThat(r.getHost().getSchedulable()).isFalse();
        assertThat(r.getHost().getUnschedulableReason()).isEqualTo("DIMM swap");
        assertThat(r.getLeftList()).singleElement().satisfies(l -> {
            assertThat(l.getServerId()).isEqualTo(pinned.getId());
            assertThat(l.getReason()).contains("no other host may take it").contains("already hold a member");
        });
        assertThat(r.getMovedList()).singleElement().satisfies(m -> {
            assertThat(m.getServerId()).isEqualTo(loose.getId());
            assertThat(m.getToHostName()).isNotEqualTo("a");
            assertThat(h.active(h.server(m.getServerId())).getHostId()).isEqualTo(m.getToHostId());
        });
        await().until(() -> h.agents.on(Harness.address("a")).equals(java.util.Set.of(pinned.getId())));
        assertThat(h.groupNamed("web").getCompliance().getCompliant()).isTrue();
        assertThat(h.state(pinned.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }
}
