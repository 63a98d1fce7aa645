package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeleteServer with force: the way out for a server whose host died for good. */
class ForceDeleteTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void onADownHostItReleasesMembershipAndCapacityAndTheHostTakesAMemberAgainWhenBack() throws Exception {
        h.heartbeat("a");
        h.heartbeat("b");
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", g.getId(), 2).getServersList();
        for (Server s : members) {
            await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        }
        Server onA = members.stream().filter(s -> s.getHostId().equals("a")).findFirst().orElseThrow();
        Server onB = members.stream().filter(s -> s.getHostId().equals("b")).findFirst().orElseThrow();
        List<ServerEvent> events = new CopyOnWriteArrayList<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        watch.run(() -> h.serversAsync.watchServers(WatchServersRequest.newBuilder().setGroupId("web").build(),
                Harness.collector(events, new AtomicReference<>())));
        await().until(() -> events.size() == 2);

        goDown("a", "b");
        assertThat(h.state(onA.getId())).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        assertThat(host("a").getAllocated().getVcpus()).isEqualTo(1);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "", () -> h.create("more", g.getId(), 1));
        // an ordinary delete needs the dead host's agent: it waits for the host, and points at force
        DeleteServerResponse waiting = h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(onA.getId())
                .build());
        assertThat(waiting.getDeleted()).isFalse();
        assertThat(waiting.getServer().getStateMessage()).contains("host a is DOWN").contains("force");
        assertThat(h.state(onA.getId())).isEqualTo(ServerState.SERVER_STATE_DELETING);
        assertThat(host("a").getAllocated().getVcpus()).isEqualTo(1);

        Server gone = forceDelete(onA.getId());

        assertThat(gone.getId()).isEqualTo(onA.getId());
        assertThat(gone.getHostName()).isEqualTo("a");
        assertCode(Status.Code.NOT_FOUND, onA.getId(), () -> h.state(onA.getId()));
        assertThat(memberIds(g)).containsExactly(onB.getId());
        assertThat(host("a").getAllocated().getVcpus()).isZero();
        assertThat(host("a").getServerCount()).isZero();
        await().until(() -> events.stream().anyMatch(e -> e.getKind() == ServerEvent.Kind.KIND_DELETED
                && e.getServer().getId().equals(onA.getId())));
        watch.cancel(null);
        // the agent was never asked: the domain is still on the dead host's fake agent
        assertThat(h.agents.deletes).isEmpty();
        assertThat(h.agents.on(Harness.address("a"))).contains(onA.getId());

        // the host comes back with the domain: reported as unknown, left alone, and its slot is free
        h.heartbeat("a");
        assertThat(host("a").getUp()).isTrue();
        assertThat(host("a").getUnknownServerIdsList()).containsExactly(onA.getId());
        Server again = h.create("again", g.getId(), 1).getServers(0);
        assertThat(again.getHostId()).isEqualTo("a");
        await().until(() -> h.state(again.getId()) == ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.agents.deletes).isEmpty();
        assertThat(h.agents.on(Harness.address("a"))).contains(onA.getId(), again.getId());

        h.restart();
        assertCode(Status.Code.NOT_FOUND, onA.getId(), () -> h.state(onA.getId()));
        assertThat(memberIds(g)).containsExactlyInAnyOrder(onB.getId(), again.getId());
    }

    @Test
    void onAnUpHostItIsRefusedNamingTheHostAndChangesNothing() {
        h.heartbeat("a");
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        Server s = h.create("web", g.getId(), 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);

        assertCode(Status.Code.FAILED_PRECONDITION, "host a, which is up; delete it without force",
                () -> forceDelete(s.getId()));

        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        assertThat(memberIds(g)).containsExactly(s.getId());
        assertThat(host("a").getAllocated().getVcpus()).isEqualTo(1);
        assertThat(h.agents.deletes).isEmpty();
        assertCode(Status.Code.NOT_FOUND, "no server with id", () -> forceDelete("no-such-server"));
    }

    @Test
    void aBuildingServerOfADownHostGoesAndItsLaunchInFlightNeitherResurrectsNorMovesIt() throws Exception {
        h.heartbeat("a");
        h.agents.launchGate = new CountDownLatch(1);
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.agents.launches.size() == 1);
        // another host comes up: a launch failing on "a" would move the server there, if it still existed
        h.heartbeat("b");
        goDown("a", "b");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_BUILDING);

        Server gone = forceDelete(s.getId());

        assertThat(gone.getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);
        assertThat(host("a").getAllocated().getVcpus()).isZero();
        h.agents.failingLaunches.add(Harness.address("a"));
        h.agents.launchGate.countDown();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                h.agents.launches.size() == 1 && h.servers.listServers(
                        io.herd.api.v1.ListServersRequest.getDefaultInstance()).getServersCount() == 0);
        assertThat(host("b").getAllocated().getVcpus()).isZero();

        // "a" returns without the domain: nothing is launched again
        h.heartbeat("a");
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(1);
        assertCode(Status.Code.NOT_FOUND, s.getId(), () -> h.state(s.getId()));

        h.restart();
        h.heartbeat("a");
        h.heartbeat("b");
        assertCode(Status.Code.NOT_FOUND, s.getId(), () -> h.state(s.getId()));
        assertThat(h.agents.launchesOf(s.getId())).isEqualTo(1);
    }

    @Test
    void anErrorServerWithoutAHostAndAServerOfAnUnknownHostCanBeForceDeleted() throws Exception {
        h.heartbeat("a");
        h.agents.failingLaunches.add(Harness.address("a"));
        Server failed = h.create("failed", "", 1).getServers(0);
        await().until(() -> h.state(failed.getId()) == ServerState.SERVER_STATE_ERROR);
        assertThat(h.servers.getServer(GetServerRequest.newBuilder().setId(failed.getId()).build()).getHostId())
                .isEmpty();

        forceDelete(failed.getId());

        assertCode(Status.Code.NOT_FOUND, failed.getId(), () -> h.state(failed.getId()));
        h.restart();
        assertCode(Status.Code.NOT_FOUND, failed.getId(), () -> h.state(failed.getId()));
    }

    @Test
    void afterARestartAHostThatNeverReturnsIsDownAndItsServersCanBeForceDeleted() throws Exception {
        h.heartbeat("a");
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        h.restart();
        // loaded hosts are DOWN until they heartbeat
        assertThat(host("a").getUp()).isFalse();

        forceDelete(s.getId());

        assertCode(Status.Code.NOT_FOUND, s.getId(), () -> h.state(s.getId()));
        assertThat(host("a").getAllocated().getVcpus()).isZero();
    }

    @Test
    void aDeleteInFlightWhenTheHostDiesIsOvertakenByForceAndTheServerStaysGone() throws Exception {
        h.heartbeat("a");
        h.heartbeat("b");
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        String dead = s.getHostId();
        String alive = dead.equals("a") ? "b" : "a";
        h.agents.deleteGate = new CountDownLatch(1);
        AtomicReference<Throwable> answer = new AtomicReference<>();
        AtomicReference<DeleteServerResponse> response = new AtomicReference<>();
        CountDownLatch answered = new CountDownLatch(1);
        h.serversAsync.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(DeleteServerResponse value) {
                        response.set(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.set(t);
                        answered.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        answered.countDown();
                    }
                });
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_DELETING);
        goDown(dead, alive);

        forceDelete(s.getId());

        assertCode(Status.Code.NOT_FOUND, s.getId(), () -> h.state(s.getId()));
        h.agents.failingDeletes.add(Harness.address(dead));
        h.agents.deleteGate.countDown();
        assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
        // the server is gone, as the caller asked: by force, while its agent did not answer
        assertThat(answer.get()).isNull();
        assertThat(response.get().getDeleted()).isTrue();
        // the failed delete does not bring the server back
        assertCode(Status.Code.NOT_FOUND, s.getId(), () -> h.state(s.getId()));
        assertThat(host(dead).getAllocated().getVcpus()).isZero();
    }

    /** Moves the clock past 3 heartbeat intervals, keeping {@code alive} up, and marks {@code dead} DOWN. */
    private void goDown(String dead, String alive) {
        h.clock.advance(Duration.ofSeconds(16));
        h.heartbeat(alive);
        h.core.hosts().checkLiveness();
        assertThat(host(dead).getUp()).isFalse();
        assertThat(host(alive).getUp()).isTrue();
    }

    private Server forceDelete(String id) {
        DeleteServerResponse r = h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(id).setForce(true)
                .build());
        assertThat(r.getDeleted()).isTrue();
        return r.getServer();
    }

    private Host host(String id) {
        return h.hosts.getHost(GetHostRequest.newBuilder().setId(id).build());
    }

    private List<String> memberIds(ServerGroup g) {
        return h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(g.getId()).build()).getMemberIdsList();
    }
}
