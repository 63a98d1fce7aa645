package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A degraded agent (libvirt unreachable) says nothing true about its domains: no server
 * changes because of its heartbeats, no claim or group slot is released, and the host takes
 * no new servers until it recovers, saying why.
 */
class DegradedHostTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        h.heartbeat("a");
        h.heartbeat("b");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void anAgentRestartedWhileLibvirtdIsDownChangesNoServerAndTakesNoNewOne() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 1);
        List<Server> members = h.create("web", g.getId(), 2).getServersList();
        for (Server s : members) {
            await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        }
        Server onA = members.stream().filter(s -> s.getHostId().equals("a")).findFirst().orElseThrow();

        // more heartbeats than it takes to declare a domain vanished
        for (int i = 0; i < 5; i++) {
            h.degradedHeartbeat("a");
        }

        assertThat(h.state(onA.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        Host a = host("a");
        assertThat(a.getUp()).isTrue();
        assertThat(a.getDegraded()).isTrue();
        assertThat(a.getNotPlaceableReason()).startsWith("degraded: cannot connect to qemu:///system");
        assertThat(a.getAllocated().getVcpus()).isEqualTo(1);
        // the capacity it had is kept, not the zeros a degraded agent reports
        assertThat(a.getCapacity().getCpus()).isEqualTo(16);
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build())
                .getMemberIdsList()).contains(onA.getId());
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "1 host is degraded", () -> h.create("more", g.getId(), 1));
        Server loose = h.create("loose", "", 1).getServers(0);
        assertThat(loose.getHostId()).isEqualTo("b");

        h.heartbeat("a");
        assertThat(host("a").getDegraded()).isFalse();
        assertThat(host("a").getNotPlaceableReason()).isEmpty();
        assertThat(h.state(onA.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        // back in placement: the emptier host again
        assertThat(h.create("after", "", 1).getServers(0).getHostId()).isEqualTo("a");
    }

    @Test
    void aHostThatComesBackDegradedLeavesItsUnknownServersUnknown() {
        Server s = h.create("s", "", 1).getServers(0);
        await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        String dead = s.getHostId();
        String alive = dead.equals("a") ? "b" : "a";
        h.clock.advance(Duration.ofSeconds(16));
        h.heartbeat(alive);
        h.core.hosts().checkLiveness();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);

        h.degradedHeartbeat(dead);
        h.degradedHeartbeat(dead);
        h.degradedHeartbeat(dead);

        assertThat(host(dead).getUp()).isTrue();
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);
        assertThat(host(dead).getAllocated().getVcpus()).isEqualTo(1);
        h.heartbeat(dead);
        assertThat(h.state(s.getId())).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aHostWhoseFirstHeartbeatIsDegradedRegistersButTakesNothing() {
        h.degradedHeartbeat("c");
        Host c = host("c");
        assertThat(c.getUp()).isTrue();
        assertThat(c.getNotPlaceableReason()).startsWith("degraded:");
        for (int i = 0; i < 5; i++) {
            Server s = h.create("s" + i, "", 1).getServers(0);
            assertThat(s.getHostId()).isNotEqualTo("c");
        }
    }

    private Host host(String id) {
        return h.hosts.getHost(GetHostRequest.newBuilder().setId(id).build());
    }
}
