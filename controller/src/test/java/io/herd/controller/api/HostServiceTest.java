package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostServiceTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void aHeartbeatRegistersTheHostWithItsLabelsAndCapacity() {
        HeartbeatResponse ack = h.heartbeat("h1", "r1", "z1", 8, 16_384, 200);
        assertThat(ack.getHeartbeatIntervalMs()).isEqualTo(5000);
        Host host = h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build());
        assertThat(host.getUp()).isTrue();
        assertThat(host.getSchedulable()).isTrue();
        assertThat(host.getLabels().getRack()).isEqualTo("r1");
        assertThat(host.getLabels().getZone()).isEqualTo("z1");
        assertThat(host.getCapacity().getCpus()).isEqualTo(8);
        assertThat(host.getAllocatable().getVcpus()).isEqualTo(8);
        assertThat(host.getAllocatable().getMemoryMib()).isEqualTo(16_384);
        assertThat(host.getAllocatable().getDiskGib()).isEqualTo(200);
        assertThat(host.getAgentAddress()).isEqualTo(Harness.address("h1"));
        assertThat(host.getLastHeartbeat().getSeconds()).isEqualTo(h.clock.instant().getEpochSecond());
        assertThat(h.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList()).containsExactly(host);
    }

    @Test
    void allocatedCountsHerdServersAndDiskAllocatableIncludesWhatTheyHold() {
        h.heartbeat("h1", "", "", 8, 16_384, 200);
        Server s = h.servers.createServers(Harness.request("s", "").setVcpus(2).setMemoryMib(1024).setDiskGib(10)
                .build()).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        // the agent now reports 190 GiB free: the server's 10 GiB are still counted once
        h.registry.heartbeat(beat("h1").setCapacity(HostCapacity.newBuilder().setCpus(8).setMemoryMib(16_384)
                .setDiskFreeGib(190).setCpuAllocationRatio(1).setRamAllocationRatio(1))
                .setUsage(io.herd.api.v1.Resources.newBuilder().setVcpus(3).setMemoryMib(1536))
                .addServers(AgentServer.newBuilder().setServerId(s.getId()).setState(ServerState.SERVER_STATE_ACTIVE))
                .build());
        Host host = h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build());
        assertThat(host.getAllocated().getVcpus()).isEqualTo(2);
        assertThat(host.getAllocated().getMemoryMib()).isEqualTo(1024);
        assertThat(host.getAllocated().getDiskGib()).isEqualTo(10);
        assertThat(host.getAllocatable().getDiskGib()).isEqualTo(200);
        assertThat(host.getServerCount()).isEqualTo(1);
        assertThat(host.getUsage().getVcpus()).isEqualTo(3);
    }

    @Test
    void anUnschedulableHostLeavesPlacementUntilPutBack() {
        h.heartbeat("h1");
        assertCode(Status.Code.INVALID_ARGUMENT, "reason", () -> h.hosts.setHostSchedulable(
                SetHostSchedulableRequest.newBuilder().setId("h1").setSchedulable(false).build()));
        Host cordoned = h.hosts.setHostSchedulable(SetHostSchedulableRequest.newBuilder().setId("h1")
                .setSchedulable(false).setReason("disk replacement").build());
        assertThat(cordoned.getSchedulable()).isFalse();
        assertThat(cordoned.getUnschedulableReason()).isEqualTo("disk replacement");
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "no valid host", () -> h.create("x", "", 1));
        h.heartbeat("h1");
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getSchedulable()).isFalse();
        h.hosts.setHostSchedulable(SetHostSchedulableRequest.newBuilder().setId("h1").setSchedulable(true).build());
        assertThat(h.create("x", "", 1).getServers(0).getHostId()).isEqualTo("h1");
    }

    @Test
    void hostLookupsValidateAndFindById() {
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.hosts.getHost(GetHostRequest.newBuilder().setId("x").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.hosts.getHost(GetHostRequest.getDefaultInstance()));
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.hosts.setHostSchedulable(
                SetHostSchedulableRequest.newBuilder().setId("x").setSchedulable(true).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.hosts.setHostSchedulable(
                SetHostSchedulableRequest.getDefaultInstance()));
    }

    @Test
    void aHostThatMissesThreeHeartbeatsIsDownItsServersUnknownAndItComesBack() {
        h.heartbeat("h1");
        h.heartbeat("h2");
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        Server s = h.create("web", g.getId(), 1).getServers(0);
        String down = s.getHostId();
        String other = down.equals("h1") ? "h2" : "h1";
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);

        h.clock.advance(Duration.ofSeconds(14));
        h.heartbeat(other);
        h.core.hosts().checkLiveness();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(down).build()).getUp()).isTrue();

        h.clock.advance(Duration.ofSeconds(2));
        h.core.hosts().checkLiveness();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(down).build()).getUp()).isFalse();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(other).build()).getUp()).isTrue();
        Server unknown = h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(unknown.getState()).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        assertThat(unknown.getStateMessage()).contains("down");
        // the down host is out of placement: the group can only use the other host, once
        assertThat(h.create("web2", "", 3).getServersList()).allSatisfy(x -> assertThat(x.getHostId()).isEqualTo(other));

        h.heartbeat(down);
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId(down).build()).getUp()).isTrue();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aHeartbeatThatChangesNothingStillCountsForLivenessAndShowsItsTime() {
        h.heartbeat("h1");
        h.clock.advance(Duration.ofSeconds(4));
        java.time.Instant second = h.clock.instant();
        h.heartbeat("h1");
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getLastHeartbeat().getSeconds())
                .isEqualTo(second.getEpochSecond());
        // 16 s after the first heartbeat, 12 after the second: up
        h.clock.advance(Duration.ofSeconds(12));
        h.core.hosts().checkLiveness();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getUp()).isTrue();
        h.clock.advance(Duration.ofSeconds(4));
        h.core.hosts().checkLiveness();
        Host down = h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build());
        assertThat(down.getUp()).isFalse();
        assertThat(down.getNotPlaceableReason()).isEqualTo("down: no heartbeat since " + second);
        assertThat(down.getLastHeartbeat().getSeconds()).isEqualTo(second.getEpochSecond());
    }

    @Test
    void theControllerConnectsToAnAgentWhenItsHostRegistersOrComesBackNotAtEveryHeartbeat() {
        h.heartbeat("h1");
        h.heartbeat("h1");
        assertThat(h.agents.connects).containsExactly(Harness.address("h1"));
        h.clock.advance(Duration.ofSeconds(16));
        h.core.hosts().checkLiveness();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getUp()).isFalse();
        h.heartbeat("h1");
        h.heartbeat("h1");
        assertThat(h.agents.connects).containsExactly(Harness.address("h1"), Harness.address("h1"));
    }

    @Test
    void aBuildingServerStaysBuildingWhileItsHostIsDownAndIsLaunchedAgainWhenTheHostReturnsWithoutIt() {
        h.heartbeat("h1");
        h.agents.launchGate = new java.util.concurrent.CountDownLatch(1);
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.agents.launches.size() == 1);
        h.clock.advance(Duration.ofSeconds(16));
        h.core.hosts().checkLiveness();
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getUp()).isFalse();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_BUILDING);
        // the launch in flight fails (the host went away); no other host, so the server is in ERROR
        h.agents.failingLaunches.add(Harness.address("h1"));
        h.agents.launchGate.countDown();
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ERROR);
        assertThat(h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build()).getStateMessage())
                .contains("libvirt said no");
    }

    @Test
    void aGroupReportsWhenAHostMovingRacksBreaksItsPolicyAndWhichMembers() {
        h.heartbeat("h1", "r1", "z1", 16, 65_536, 1_000);
        h.heartbeat("h2", "r2", "z1", 16, 65_536, 1_000);
        ServerGroup g = h.group("racks", Policy.ANTI_AFFINITY, Scope.RACK, 0);
        java.util.List<Server> members = h.create("m", g.getId(), 2).getServersList();
        assertThat(h.groups.getServerGroup(io.herd.api.v1.GetServerGroupRequest.newBuilder().setId("racks").build())
                .getCompliance().getCompliant()).isTrue();
        // an operator re-labels h2 into rack r1: both members now share a rack
        h.heartbeat("h2", "r1", "z1", 16, 65_536, 1_000);
        io.herd.api.v1.Compliance c = h.groups.getServerGroup(io.herd.api.v1.GetServerGroupRequest.newBuilder()
                .setId("racks").build()).getCompliance();
        assertThat(c.getCompliant()).isFalse();
        assertThat(c.getReason()).isNotEmpty();
        assertThat(c.getViolatingMemberIdsList()).isNotEmpty()
                .isSubsetOf(members.stream().map(Server::getId).toList());
    }

    @Test
    void aVanishedDomainPutsItsServerInErrorAndUnknownDomainsAreReportedNotDeleted() {
        h.heartbeat("h1");
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        h.agents.domains.get(Harness.address("h1")).remove(s.getId());
        h.agents.domains.get(Harness.address("h1")).add("11111111-2222-3333-4444-555555555555");

        HeartbeatResponse first = h.heartbeat("h1");
        assertThat(first.getUnknownServerIdsList()).containsExactly("11111111-2222-3333-4444-555555555555");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        h.heartbeat("h1");
        Server gone = h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(gone.getState()).isEqualTo(ServerState.SERVER_STATE_ERROR);
        assertThat(gone.getStateMessage()).contains("vanished");
        Host host = h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build());
        assertThat(host.getUnknownServerIdsList()).containsExactly("11111111-2222-3333-4444-555555555555");
        assertThat(host.getAllocated().getVcpus()).isZero();
        assertThat(h.agents.deletes).isEmpty();
    }

    @Test
    void aStoppedDomainPutsItsServerInErrorAndARunningOneBringsItBack() {
        h.heartbeat("h1");
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        h.registry.heartbeat(beat("h1").addServers(AgentServer.newBuilder().setServerId(s.getId())
                .setState(ServerState.SERVER_STATE_STOPPED).setLibvirtState("crashed")).build());
        Server crashed = h.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(crashed.getState()).isEqualTo(ServerState.SERVER_STATE_ERROR);
        assertThat(crashed.getStateMessage()).contains("crashed");
        h.heartbeat("h1");
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void afterARestartHostsAreDownUntilTheyHeartbeatAndBuildingServersAreLaunchedOnlyIfMissing() throws Exception {
        h.heartbeat("h1");
        h.heartbeat("h2");
        // the controller dies with both launches in flight: both reached their agent, the
        // second agent lost its domain (or never made it)
        h.agents.launchGate = new java.util.concurrent.CountDownLatch(1);
        h.agents.domainBeforeGate = true;
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        java.util.List<Server> created = h.create("web", g.getId(), 2).getServersList();
        await().until(() -> h.agents.launches.size() == 2);
        Server landed = created.get(0);
        Server lost = created.get(1);
        h.agents.domains.get(Harness.address(lost.getHostId())).remove(lost.getId());
        h.agents.domainBeforeGate = false;
        h.restart();
        h.agents.launchGate = null;
        assertThat(h.state(landed.getId())).isEqualTo(ServerState.SERVER_STATE_BUILDING);
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("h1").build()).getUp()).isFalse();
        assertThat(h.servers.getServer(GetServerRequest.newBuilder().setId(landed.getId()).build()).getHostId())
                .isEqualTo(landed.getHostId());
        // placement already counts both members after the restart
        h.heartbeat("h1");
        h.heartbeat("h2");
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "anti-affinity", () -> h.create("third", g.getId(), 1));
        await().until(() -> h.state(landed.getId()) == ServerState.SERVER_STATE_ACTIVE
                && h.state(lost.getId()) == ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.agents.launchesOf(landed.getId())).isEqualTo(1);
        assertThat(h.agents.launchesOf(lost.getId())).isEqualTo(2);
    }

    @Test
    void validatesHeartbeats() {
        invalidBeat("host_id", b -> b.setHostId(""));
        invalidBeat("host_name", b -> b.setHostName("bad\u0000"));
        invalidBeat("agent_address", b -> b.setAgentAddress("nocolon"));
        invalidBeat("capacity", HeartbeatRequest.Builder::clearCapacity);
        invalidBeat("capacity.cpu_allocation_ratio", b -> b.setCapacity(b.getCapacity().toBuilder()
                .setCpuAllocationRatio(-1)));
        invalidBeat("capacity.ram_allocation_ratio", b -> b.setCapacity(b.getCapacity().toBuilder()
                .setRamAllocationRatio(Double.NaN)));
        invalidBeat("servers[0].server_id", b -> b.addServers(AgentServer.getDefaultInstance()));
        // the entry's name is put in front of its own field's, and the entry is the one refused
        invalidBeat("servers[1].resources.memory_mib", b -> b.addServers(AgentServer.newBuilder().setServerId("s0"))
                .addServers(AgentServer.newBuilder().setServerId("s1").setResources(
                        io.herd.api.v1.Resources.newBuilder().setVcpus(1).setMemoryMib(-1))));
        invalidBeat("usage.vcpus", b -> b.setUsage(io.herd.api.v1.Resources.newBuilder().setVcpus(-1)));
        invalidBeat("limits.max_memory_mib", b -> b.setLimits(LaunchLimits.newBuilder().setMaxMemoryMib(4)));
        assertThat(h.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsCount()).isZero();
    }

    private void invalidBeat(String field, Consumer<HeartbeatRequest.Builder> change) {
        HeartbeatRequest.Builder b = beat("hx");
        change.accept(b);
        assertCode(Status.Code.INVALID_ARGUMENT, field + ":", () -> h.registry.heartbeat(b.build()));
    }

    private static HeartbeatRequest.Builder beat(String id) {
        return HeartbeatRequest.newBuilder().setHostId(id).setHostName(id).setAgentAddress(Harness.address(id))
                .setCapacity(HostCapacity.newBuilder().setCpus(16).setMemoryMib(65_536).setDiskFreeGib(1000)
                        .setCpuAllocationRatio(1).setRamAllocationRatio(1));
    }
}
