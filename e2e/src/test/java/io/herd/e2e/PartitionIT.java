package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host cut from the controller (both directions, through TCP proxies the test controls)
 * while its agent and domains go on: the agent destroys its EVACUATE member before the grace
 * period ends, the controller starts that member elsewhere after it, and a poller of every
 * hypervisor never sees two running copies. The NONE member on the host is left running.
 */
class PartitionIT {

    static final long GRACE_MS = 8_000;

    @TempDir
    Path dir;
    Cluster cluster;
    PolicyWatch watch;
    TcpProxy toController;
    TcpProxy toAgent;

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (toController != null) {
            toController.close();
        }
        if (toAgent != null) {
            toAgent.close();
        }
    }

    private Server get(String id) {
        return cluster.servers.getServer(GetServerRequest.newBuilder().setId(id).build());
    }

    private Server create(String name, String group) {
        Server s = cluster.servers.createServers(CreateServersRequest.newBuilder().setName(name).setVcpus(1)
                .setMemoryMib(64).setGroupId(group).build()).getServers(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(s.getId()).getState()
                == ServerState.SERVER_STATE_ACTIVE);
        return get(s.getId());
    }

    @Test
    void aPartitionedHostFencesItsEvacuateMemberBeforeItStartsElsewhere() throws Exception {
        cluster = new Cluster(dir, "--grace-period-ms", Long.toString(GRACE_MS));
        toController = new TcpProxy(cluster.controllerPort);
        toAgent = new TcpProxy(cluster.agentPort("cut"));
        // plaintext TCP (not the Unix socket) so that the controller's calls go through the proxy
        cluster.startTestAgent(new Cluster.HostShape("cut", 8, 16_384, "r1", "z1"), toController.address(),
                "--advertise-address", toAgent.address(), "--insecure");
        cluster.startTestAgents(List.of(new Cluster.HostShape("t2", 8, 8_192, "r2", "z1"),
                new Cluster.HostShape("t3", 8, 4_096, "r3", "z1")));
        cluster.awaitHostsUp(List.of("cut", "t2", "t3"));

        String web = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("web")
                .setPolicy(Policy.ANTI_AFFINITY).setOnHostFailure(OnHostFailure.ON_HOST_FAILURE_EVACUATE).build())
                .getId();
        String keep = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("keep")
                .setPolicy(Policy.ANTI_AFFINITY).build()).getId();
        Server moving = create("web-1", web);
        Server other = create("web-2", web);
        Server waiting = create("keep-1", keep);
        assertThat(List.of(moving.getHostName(), waiting.getHostName())).containsOnly("cut");
        assertThat(other.getHostName()).isEqualTo("t2");

        watch = new PolicyWatch(cluster, web, List.of("cut", "t2", "t3"), null, true);
        toController.cut();
        toAgent.cut();

        await().atMost(Duration.ofMillis(GRACE_MS + 60_000)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Server now = get(moving.getId());
            return now.getState() == ServerState.SERVER_STATE_ACTIVE && now.getHostName().equals("t3");
        });
        // the partitioned agent destroyed its EVACUATE member, and only it
        assertThat(cluster.domainsOf("cut")).extracting(AgentServer::getServerId)
                .containsExactly(waiting.getId());
        assertThat(get(waiting.getId()).getState()).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);

        toController.heal();
        toAgent.heal();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(waiting.getId()).getState() == ServerState.SERVER_STATE_ACTIVE);
        assertThat(get(moving.getId()).getHostName()).isEqualTo("t3");
        assertThat(cluster.domainsOf("cut")).extracting(AgentServer::getServerId).containsExactly(waiting.getId());

        watch.close();
        assertThat(watch.violations()).as("moments with two copies or a broken policy").isEmpty();
        assertThat(watch.polls()).isGreaterThan(10);
        assertThat(cluster.agents.get("cut").tail()).contains("FENCING");
    }
}
