package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import io.herd.controller.core.CoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerServiceTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir, new CoreSettings(Harness.HEARTBEAT, 0, 5, 2));
        h.heartbeat("h1");
        h.heartbeat("h2");
        h.heartbeat("h3");
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void createsPlacedServersInBuildingThatBecomeActiveOnTheirAgents() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        CreateServersResponse r = h.create("web", g.getId(), 3);
        assertThat(r.getReplayed()).isFalse();
        assertThat(r.getServersList()).extracting(Server::getName).containsExactly("web-1", "web-2", "web-3");
        assertThat(r.getServersList()).allSatisfy(s -> {
            assertThat(s.getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);
            assertThat(s.getHostId()).isNotEmpty();
            assertThat(s.getHostName()).isEqualTo(s.getHostId());
            assertThat(s.getGroupId()).isEqualTo(g.getId());
        });
        assertThat(r.getServersList()).extracting(Server::getHostId).doesNotHaveDuplicates();
        for (Server s : r.getServersList()) {
            await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
            assertThat(h.agents.on(Harness.address(s.getHostId()))).contains(s.getId());
        }
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build())
                .getMemberIdsList()).containsExactlyInAnyOrderElementsOf(
                        r.getServersList().stream().map(Server::getId).toList());
    }

    @Test
    void refusesTheServerThatWouldBreakAntiAffinityWithTheExplanationAndCreatesNothing() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        h.create("a", g.getId(), 3);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "anti-affinity", () -> h.create("b", g.getId(), 1));
        assertThat(all()).hasSize(3);
        // the three launches run after the create answered; the refused one adds none
        await().until(() -> h.agents.launches.size() >= 3);
        assertThat(h.agents.launches).hasSize(3);
    }

    @Test
    void aGangIsAllOrNothing() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        h.create("one", g.getId(), 1);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "no valid host", () -> h.create("gang", g.getId(), 3));
        assertThat(all()).hasSize(1);
        assertThat(h.create("pair", g.getId(), 2).getServersCount()).isEqualTo(2);
    }

    @Test
    void noValidHostForAFlavorNoHostCanHold() {
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "memory", () -> h.servers.createServers(
                Harness.request("big", "").setMemoryMib(1_000_000).build()));
        assertThat(all()).isEmpty();
    }

    @Test
    void aRepeatedRequestIdReturnsTheSameServersAndLaunchesNothingNew() throws Exception {
        CreateServersRequest req = Harness.request("idem", "").setCount(2).setRequestId("req-1").build();
        CreateServersResponse first = h.servers.createServers(req);
        await().until(() -> h.agents.launches.size() == 2);
        CreateServersResponse again = h.servers.createServers(req);
        assertThat(again.getReplayed()).isTrue();
        assertThat(again.getServersList()).extracting(Server::getId)
                .containsExactlyElementsOf(first.getServersList().stream().map(Server::getId).toList());
        h.restart();
        CreateServersResponse afterRestart = h.servers.createServers(req);
        assertThat(afterRestart.getReplayed()).isTrue();
        assertThat(afterRestart.getServersList()).extracting(Server::getId)
                .containsExactlyElementsOf(first.getServersList().stream().map(Server::getId).toList());
        assertThat(all()).hasSize(2);
        assertThat(h.agents.launches).hasSize(2);
    }

    @Test
    void enforcesTheMembersPerGroupQuota() {
        ServerGroup g = h.group("soft", Policy.SOFT_ANTI_AFFINITY, Scope.HOST, 0);
        h.create("a", g.getId(), 4);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "quotas.max_members_per_group", () -> h.create("b", g.getId(), 2));
        assertThat(all()).hasSize(4);
        assertThat(h.create("c", g.getId(), 1).getServersCount()).isEqualTo(1);
    }

    @Test
    void aFailedLaunchMovesToAnotherHost() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        h.agents.failingLaunches.add(Harness.address("h1"));
        h.agents.failingLaunches.add(Harness.address("h2"));
        Server s = h.create("web", g.getId(), 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        Server active = h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(active.getHostId()).isEqualTo("h3");
        assertThat(h.agents.on(Harness.address("h3"))).containsExactly(s.getId());
    }

    @Test
    void aLaunchThatFailsEverywhereEndsInErrorWithTheAgentsMessageAndReleasesTheClaim() {
        h.agents.failingLaunches.addAll(List.of(Harness.address("h1"), Harness.address("h2"),
                Harness.address("h3")));
        Server s = h.create("doomed", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ERROR);
        Server failed = h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(failed.getStateMessage()).contains("libvirt said no");
        assertThat(failed.getHostId()).isEmpty();
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(3);
        for (String host : List.of("h1", "h2", "h3")) {
            assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(host).build()).getAllocated().getVcpus())
                    .isZero();
        }
        h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(all()).isEmpty();
    }

    @Test
    void deleteStopsTheDomainAndReleasesCapacityAndMembership() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        List<Server> created = h.create("web", g.getId(), 3).getServersList();
        for (Server s : created) {
            await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        }
        Server victim = created.get(0);
        h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(victim.getId()).build());
        assertThat(h.agents.on(Harness.address(victim.getHostId()))).doesNotContain(victim.getId());
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.servers.getServer(
                GetServerRequest.newBuilder().setId(victim.getId()).build()));
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build())
                .getMemberIdsList()).doesNotContain(victim.getId());
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(victim.getHostId()).build()).getServerCount())
                .isZero();
        Server again = h.create("again", g.getId(), 1).getServers(0);
        assertThat(again.getHostId()).isEqualTo(victim.getHostId());
    }

    @Test
    void aBuildingServerIsDeletedOnceItsLaunchInFlightLands() {
        h.agents.launchGate = new CountDownLatch(1);
        Server s = h.create("slow", "", 1).getServers(0);
        await().until(() -> h.agents.launches.size() == 1);

        DeleteServerResponse r = h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());

        assertThat(r.getDeleted()).isFalse();
        assertThat(r.getServer().getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
        assertThat(r.getServer().getStateMessage()).contains("launch in flight");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_DELETING);
        h.agents.launchGate.countDown();
        await().until(() -> all().isEmpty());
        assertThat(h.agents.on(Harness.address(s.getHostId()))).doesNotContain(s.getId());
        assertThat(h.agents.deletes).containsExactly(s.getId() + "@" + Harness.address(s.getHostId()));
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(s.getHostId()).build()).getAllocated()
                .getVcpus()).isZero();
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(1);
    }

    @Test
    void aDeleteWhoseAgentIsUnreachableGoesOnInTheBackgroundUntilTheAgentAnswers() {
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        h.agents.failingDeletes.add(Harness.address(s.getHostId()));

        DeleteServerResponse r = h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());

        assertThat(r.getDeleted()).isFalse();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_DELETING);
        assertThat(h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build()).getStateMessage())
                .contains("did not remove the domain").contains("retrying");
        // the claim is held while the domain may run
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(s.getHostId()).build()).getAllocated()
                .getVcpus()).isEqualTo(1);
        // a repeated delete is harmless
        assertThat(h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build()).getServer()
                .getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
        h.agents.failingDeletes.clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> all().isEmpty());
        assertThat(h.agents.on(Harness.address(s.getHostId()))).doesNotContain(s.getId());
    }

    @Test
    void anErrorServerWithoutAHostIsGoneWhenDeleteAnswers() {
        h.agents.failingLaunches.addAll(List.of(Harness.address("h1"), Harness.address("h2"),
                Harness.address("h3")));
        Server s = h.create("doomed", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ERROR);

        DeleteServerResponse r = h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());

        assertThat(r.getDeleted()).isTrue();
        assertThat(all()).isEmpty();
    }

    @Test
    void listFiltersByGroupHostAndState() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        List<Server> inGroup = h.create("web", g.getId(), 2).getServersList();
        Server loose = h.create("loose", "", 1).getServers(0);
        for (Server s : List.of(inGroup.get(0), inGroup.get(1), loose)) {
            await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        }
        assertThat(h.servers.listServers(ListServersRequest.newBuilder().setGroupId("web").build()).getServersList())
                .extracting(Server::getId).containsExactlyInAnyOrder(inGroup.get(0).getId(), inGroup.get(1).getId());
        assertThat(h.servers.listServers(ListServersRequest.newBuilder().setHost(loose.getHostName()).build())
                .getServersList()).extracting(Server::getId).contains(loose.getId());
        assertThat(h.servers.listServers(ListServersRequest.newBuilder()
                .setState(ServerState.SERVER_STATE_ACTIVE).build()).getServersCount()).isEqualTo(3);
        assertThat(h.servers.listServers(ListServersRequest.newBuilder()
                .setState(ServerState.SERVER_STATE_ERROR).build()).getServersCount()).isZero();
        assertCode(Status.Code.NOT_FOUND, "group_id", () -> h.servers.listServers(
                ListServersRequest.newBuilder().setGroupId("nope").build()));
        assertCode(Status.Code.NOT_FOUND, "host", () -> h.servers.listServers(
                ListServersRequest.newBuilder().setHost("nope").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "state", () -> h.servers.listServers(
                ListServersRequest.newBuilder().setStateValue(42).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "state", () -> h.servers.listServers(
                ListServersRequest.newBuilder().setState(ServerState.SERVER_STATE_STOPPED).build()));
    }

    @Test
    void getAndDeleteOfUnknownOrMissingIdsAreRefused() {
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.servers.getServer(
                GetServerRequest.newBuilder().setId("nope").build()));
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.servers.deleteServer(
                DeleteServerRequest.newBuilder().setId("nope").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.servers.getServer(GetServerRequest.getDefaultInstance()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.servers.deleteServer(
                DeleteServerRequest.getDefaultInstance()));
    }

    @Test
    void validatesEveryFieldOfCreateServersAndChangesNothing() {
        invalid("name", b -> b.setName(""));
        invalid("name", b -> b.setName("n".repeat(256)));
        invalid("name", b -> b.setName("tab\there"));
        invalid("name", b -> b.setName("n".repeat(253)).setCount(10));
        invalid("vcpus", b -> b.setVcpus(0));
        invalid("vcpus", b -> b.setVcpus(1025));
        invalid("vcpus", b -> b.setVcpus(-1));
        invalid("memory_mib", b -> b.setMemoryMib(0));
        invalid("memory_mib", b -> b.setMemoryMib(15));
        invalid("memory_mib", b -> b.setMemoryMib(-1));
        invalid("disk_gib", b -> b.setDiskGib(0));
        invalid("disk_gib", b -> b.setDiskGib(1L << 40));
        invalid("disk_gib", b -> b.setImage("").setDiskGib(5));
        invalid("image", b -> b.setImage("../etc/passwd"));
        invalid("image", b -> b.setImage("bad\u0001image"));
        invalid("count", b -> b.setCount(1001));
        invalid("count", b -> b.setCount(-5));
        invalid("request_id", b -> b.setRequestId("r".repeat(300)));
        invalid("network", b -> b.setNetwork("net\n"));
        invalid("group_id", b -> b.setGroupId("\u0007"));
        assertCode(Status.Code.NOT_FOUND, "group_id", () -> h.servers.createServers(
                Harness.request("x", "no-such-group").build()));
        assertThat(all()).isEmpty();
        assertThat(h.agents.launches).isEmpty();
        // a diskless server: no image, no disk
        assertThat(h.servers.createServers(Harness.request("diskless", "").setImage("").setDiskGib(0).build())
                .getServersCount()).isEqualTo(1);
    }

    @Test
    void concurrentCreatesNeverBreakAntiAffinity() throws Exception {
        for (int i = 4; i <= 4; i++) {  // 4 hosts; the group quota (5) is not what limits
            h.heartbeat("h" + i);
        }
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 30; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    h.create("w" + n, g.getId(), 1);
                } catch (io.grpc.StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        refused.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        List<Server> created = all();
        assertThat(created).hasSize(4);
        assertThat(refused.get()).isEqualTo(26);
        Set<String> hostsUsed = new HashSet<>();
        created.forEach(s -> hostsUsed.add(s.getHostId()));
        assertThat(hostsUsed).hasSize(4);
    }

    private void invalid(String field, Consumer<CreateServersRequest.Builder> change) {
        CreateServersRequest.Builder b = Harness.request("ok", "");
        change.accept(b);
        assertCode(Status.Code.INVALID_ARGUMENT, field + ":", () -> h.servers.createServers(b.build()));
    }

    private List<Server> all() {
        return h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList();
    }
}
