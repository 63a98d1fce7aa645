package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hypervisor running real QEMU domains loses its agent (SIGKILL; the domains keep running).
 * Its EVACUATE group's member comes back ACTIVE on a legal test-driver host after the grace
 * period, with the group's policy holding at every moment; the NONE group's member waits. The
 * agent, started again, destroys the stale copy at the controller's command and nothing else:
 * neither the waiting member nor a domain herd did not create.
 */
class EvacuationIT {

    static final long GRACE_MS = 6_000;

    @TempDir
    Path dir;
    Cluster cluster;
    PolicyWatch watch;
    final List<String> domains = new ArrayList<>();
    final String pool = "herd-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    final String foreign = "foreign-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cleanUp() {
        if (watch != null) {
            watch.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (String name : domains) {
            Commands.forceRemove(name);
        }
        Commands.forceRemove(foreign);
        Commands.run("virsh", "-c", Commands.QEMU, "pool-destroy", pool);
    }

    private Server create(String name, String group) {
        Server s = cluster.servers.createServers(CreateServersRequest.newBuilder().setName(name).setVcpus(1)
                .setMemoryMib(64).setGroupId(group).build()).getServers(0);
        domains.add("herd-" + s.getId());
        return s;
    }

    private Server get(String id) {
        return cluster.servers.getServer(GetServerRequest.newBuilder().setId(id).build());
    }

    private void awaitActive(Server s) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> get(s.getId()).getState() == ServerState.SERVER_STATE_ACTIVE);
    }

    @Test
    void aDeadHypervisorsEvacuateMembersComeBackElsewhereAndItsStaleCopiesGoWhenItReturns() throws Exception {
        cluster = new Cluster(dir, "--grace-period-ms", Long.toString(GRACE_MS));
        Path kvmDir = dir.resolve("kvm");
        Files.createDirectories(kvmDir.resolve("images"));
        cluster.startAgent("kvm", Commands.QEMU, "rk", "z1", kvmDir, "--image-pool", pool);
        cluster.awaitHostsUp(List.of("kvm"));
        // the test hosts are smaller than the real one, whatever memory its libvirt reports
        long kvmMib = cluster.host("kvm").getAllocatable().getMemoryMib();
        assertThat(kvmMib).as("memory the real hypervisor offers, MiB").isGreaterThan(1_024);
        cluster.startTestAgents(List.of(new Cluster.HostShape("t1", 8, kvmMib / 2, "r1", "z1"),
                new Cluster.HostShape("t2", 8, kvmMib / 4, "r2", "z1"),
                new Cluster.HostShape("t3", 8, kvmMib / 4, "r3", "z1")));
        cluster.awaitHostsUp(List.of("kvm", "t1", "t2", "t3"));

        String keep = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("keep")
                .setPolicy(Policy.ANTI_AFFINITY).build()).getId();
        String web = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("web")
                .setPolicy(Policy.ANTI_AFFINITY).setOnHostFailure(OnHostFailure.ON_HOST_FAILURE_EVACUATE).build())
                .getId();
        // the real hypervisor has the most free memory: spread puts the first member of each group there
        Server waiting = create("keep-1", keep);
        Server moving = create("web-1", web);
        Server other = create("web-2", web);
        assertThat(List.of(waiting.getHostName(), moving.getHostName())).containsOnly("kvm");
        for (Server s : List.of(waiting, moving, other)) {
            awaitActive(s);
        }
        assertThat(Commands.domState("herd-" + moving.getId())).isEqualTo("running");
        Commands.Result started = Commands.startTransient(foreign, 32);
        assertThat(started.exitCode()).as(started.output()).isZero();

        watch = new PolicyWatch(cluster, web, List.of("t1", "t2", "t3"), "kvm");
        cluster.agents.get("kvm").kill9();
        assertThat(Commands.domState("herd-" + moving.getId())).as("QEMU outlives its agent").isEqualTo("running");

        await().atMost(Duration.ofMillis(GRACE_MS + 60_000)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Server now = get(moving.getId());
            return now.getState() == ServerState.SERVER_STATE_ACTIVE && !now.getHostName().equals("kvm");
        });
        Server moved = get(moving.getId());
        assertThat(moved.getHostName()).isIn("t2", "t3").isNotEqualTo(other.getHostName());
        assertThat(moved.getHistoryList()).extracting(ServerHistoryEntry::getEvent)
                .contains(ServerHistoryEntry.Event.EVENT_EVACUATED);
        assertThat(get(waiting.getId()).getState()).as("NONE waits for the operator")
                .isEqualTo(ServerState.SERVER_STATE_UNKNOWN);

        cluster.restartAgent("kvm");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Commands.domState("herd-" + moving.getId()).isEmpty());
        awaitActive(waiting);
        assertThat(get(waiting.getId()).getHostName()).isEqualTo("kvm");
        assertThat(Commands.domState("herd-" + waiting.getId())).isEqualTo("running");
        assertThat(Commands.domState(foreign)).as("a domain herd did not create").isEqualTo("running");
        assertThat(get(moving.getId()).getHostName()).isEqualTo(moved.getHostName());

        watch.close();
        assertThat(watch.violations()).as("moments the policy did not hold").isEmpty();
        assertThat(watch.polls()).isGreaterThan(10);
        assertThat(cluster.groups.getServerGroup(io.herd.api.v1.GetServerGroupRequest.newBuilder().setId(web)
                .build()).getCompliance().getCompliant()).isTrue();
    }
}
