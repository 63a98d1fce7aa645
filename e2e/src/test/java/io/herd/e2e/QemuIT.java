package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.Acceleration;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Server;
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

/** A real QEMU domain, booted through controller and agent on qemu:///system, then deleted. */
class QemuIT {

    @TempDir
    Path dir;
    Cluster cluster;
    final List<String> created = new ArrayList<>();
    final String pool = "herd-e2e-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cleanUp() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        for (String id : created) {
            Commands.forceRemove("herd-" + id);
        }
        Commands.run("virsh", "-c", Commands.QEMU, "pool-destroy", pool);
    }

    @Test
    void bootsARealDomainWithAQcow2OverlayAndDeletesIt() throws Exception {
        cluster = new Cluster(dir);
        Path hostDir = dir.resolve("kvm");
        Files.createDirectories(hostDir.resolve("images"));
        Commands.Result img = Commands.run("qemu-img", "create", "-q", "-f", "qcow2",
                hostDir.resolve("images/base.qcow2").toString(), "64M");
        assertThat(img.exitCode()).as(img.output()).isZero();
        cluster.startAgent("kvm", Commands.QEMU, "rq", "zq", hostDir, "--image-pool", pool);
        cluster.awaitHostsUp(List.of("kvm"));
        Host host = cluster.host("kvm");
        assertThat(host.getAcceleration()).isIn(Acceleration.ACCELERATION_KVM, Acceleration.ACCELERATION_TCG);

        String group = cluster.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("qemu")
                .setPolicy(Policy.ANTI_AFFINITY).build()).getId();
        Server s = cluster.servers.createServers(CreateServersRequest.newBuilder().setName("vm").setVcpus(1)
                .setMemoryMib(64).setDiskGib(1).setImage("base.qcow2").setGroupId(group).build()).getServers(0);
        created.add(s.getId());
        assertThat(s.getHostName()).isEqualTo("kvm");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                cluster.servers.getServer(GetServerRequest.newBuilder().setId(s.getId()).build()).getState()
                        == ServerState.SERVER_STATE_ACTIVE);
        assertThat(Commands.domState("herd-" + s.getId())).isEqualTo("running");
        Path overlay = hostDir.resolve("images/herd-" + s.getId() + ".qcow2");
        assertThat(overlay).exists();
        Commands.Result info = Commands.run("qemu-img", "info", "-U", overlay.toString());
        assertThat(info.output()).contains("base.qcow2");

        cluster.servers.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());
        assertThat(Commands.domState("herd-" + s.getId())).isEmpty();
        assertThat(overlay).doesNotExist();
        assertThat(cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()).isEmpty();
        assertThat(cluster.host("kvm").getAllocated().getVcpus()).isZero();
    }
}
