package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.DrainHostResponse;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance with real processes on test-driver hosts: deleting a server whose launch is in
 * flight at a frozen agent, migrating a server, draining a host; afterwards every group is
 * compliant and every domain runs where the controller says, and nowhere else.
 */
class MaintenanceIT {

    @TempDir
    Path dir;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        // heartbeats every second: a frozen agent stays up for 3 s
        cluster = new Cluster(dir, null, new Cluster.Options(1_000, Cluster.Options.TESTS.controllerJvm(),
                Cluster.Options.TESTS.agentJvm()));
        cluster.startTestAgents(List.of(new Cluster.HostShape("m1", 8, 16_384, "r1", "z1"),
                new Cluster.HostShape("m2", 8, 12_288, "r2", "z1"),
                new Cluster.HostShape("m3", 8, 8_192, "r3", "z1")));
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Server get(String id) {
        return cluster.servers.getServer(GetServerRequest.newBuilder().setId(id).build());
    }

    private Server active(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(id).getState() == ServerState.SERVER_STATE_ACTIVE);
        return get(id);
    }

    private String group(String name) {
        return cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName(name)
                .setPolicy(Policy.ANTI_AFFINITY).setScope(Scope.HOST).build()).getId();
    }

    private Server create(String name, String group) {
        return cluster.servers.createServers(CreateServersRequest.newBuilder().setName(name).setVcpus(1)
                .setMemoryMib(256).setGroupId(group).build()).getServers(0);
    }

    /** Every server the controller knows runs on its host, alone; nothing else runs. */
    private void assertDomainsMatchTheController() {
        Map<String, List<AgentServer>> byHost = cluster.domainsByHost();
        List<Server> servers = cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList();
        for (Server s : servers) {
            assertThat(byHost.get(s.getHostName())).extracting(AgentServer::getServerId).contains(s.getId());
        }
        long domains = byHost.values().stream().mapToLong(List::size).sum();
        assertThat(domains).isEqualTo(servers.size());
    }

    @Test
    void aServerWhoseLaunchIsInFlightAtAFrozenAgentIsDeletedOnceTheLaunchLands() {
        JavaProcess m1 = cluster.agents.get("m1");
        m1.pause();
        Server s;
        try {
            s = create("slow", "");
            assertThat(s.getHostName()).isEqualTo("m1");
            DeleteServerResponse r = cluster.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId())
                    .build());
            assertThat(r.getDeleted()).isFalse();
            assertThat(r.getServer().getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
        } finally {
            m1.resume();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersCount() == 0);
        assertThat(cluster.domainsOf("m1")).isEmpty();
        assertThat(cluster.host("m1").getAllocated().getVcpus()).isZero();
    }

    @Test
    void aMigratedServerRunsOnItsNewHostOnlyAndTheGroupStaysCompliant() {
        String web = group("web");
        Server a = active(create("web-1", web).getId());
        Server b = active(create("web-2", web).getId());
        String free = List.of("m1", "m2", "m3").stream()
                .filter(h -> !h.equals(a.getHostName()) && !h.equals(b.getHostName())).findFirst().orElseThrow();

        Server moving = cluster.servers.migrateServer(MigrateServerRequest.newBuilder().setId(a.getId()).build());

        assertThat(moving.getHostName()).isEqualTo(free);
        Server moved = active(a.getId());
        assertThat(moved.getHostName()).isEqualTo(free);
        assertThat(cluster.domainsOf(a.getHostName())).extracting(AgentServer::getServerId)
                .doesNotContain(a.getId());
        assertThat(compliant(web)).isTrue();
        assertDomainsMatchTheController();
    }

    @Test
    void aDrainMovesWhatItMayAndLeavesTheRestWithTheReason() {
        String web = group("web");
        List<Server> members = List.of(create("web-1", web), create("web-2", web), create("web-3", web));
        members.forEach(m -> active(m.getId()));
        Server loose = active(create("loose", "").getId());
        String host = loose.getHostName();

        DrainHostResponse r = cluster.hosts.drainHost(DrainHostRequest.newBuilder().setId(host)
                .setReason("firmware update").build());

        assertThat(r.getHost().getSchedulable()).isFalse();
        assertThat(r.getMovedList()).extracting(m -> m.getServerId()).containsExactly(loose.getId());
        Server pinned = members.stream().filter(m -> m.getHostName().equals(host)).findFirst().orElseThrow();
        assertThat(r.getLeftList()).singleElement().satisfies(l -> {
            assertThat(l.getServerId()).isEqualTo(pinned.getId());
            assertThat(l.getReason()).contains("already hold a member");
        });
        assertThat(active(loose.getId()).getHostName()).isNotEqualTo(host);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.domainsOf(host))
                .extracting(AgentServer::getServerId).containsExactly(pinned.getId()));
        assertThat(compliant(web)).isTrue();
        assertDomainsMatchTheController();
    }

    private boolean compliant(String group) {
        return cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(group).build())
                .getCompliance().getCompliant();
    }
}
