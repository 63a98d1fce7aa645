package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.Resources;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A herd domain the controller does not know holds no claim, but uses its host all the same. */
class UnknownDomainCapacityTest {

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

    private void heartbeat(boolean withLeftover, String leftoverId) {
        HeartbeatRequest.Builder b = HeartbeatRequest.newBuilder()
                .setHostId("solo").setHostName("solo").setAgentAddress(Harness.address("solo"))
                .setCapacity(HostCapacity.newBuilder().setCpus(4).setMemoryMib(2048).setDiskFreeGib(100)
                        .setDiskTotalGib(100).setCpuAllocationRatio(1.0).setRamAllocationRatio(1.0))
                .setForeignUsage(Resources.newBuilder().setVcpus(1).setMemoryMib(128))
                .addAllImages(Harness.IMAGES);
        if (withLeftover) {
            b.addServers(AgentServer.newBuilder().setServerId(leftoverId).setState(ServerState.SERVER_STATE_ACTIVE)
                    .setLibvirtState("running")
                    .setResources(Resources.newBuilder().setVcpus(2).setMemoryMib(1536).setDiskGib(10)));
        }
        h.registry.heartbeat(b.build());
    }

    @Test
    void anUnknownHerdDomainCountsAsUsedUntilItIsGone() {
        String leftover = UUID.randomUUID().toString();
        heartbeat(true, leftover);

        Host host = h.hosts.getHost(GetHostRequest.newBuilder().setId("solo").build());
        assertThat(host.getUnknownServerIdsList()).containsExactly(leftover);
        assertThat(host.getForeignUsage().getVcpus()).isEqualTo(3);
        assertThat(host.getForeignUsage().getMemoryMib()).isEqualTo(128 + 1536);
        assertThat(host.getForeignUsage().getDiskGib()).isEqualTo(10);

        // 2048 MiB − 128 foreign − 1536 leftover leaves 384 MiB: a 512 MiB server does not fit
        assertThatThrownBy(() -> h.create("web", "", 1))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("memory");
                });

        heartbeat(false, leftover); // an operator removed the leftover domain
        host = h.hosts.getHost(GetHostRequest.newBuilder().setId("solo").build());
        assertThat(host.getUnknownServerIdsList()).isEmpty();
        assertThat(host.getForeignUsage().getMemoryMib()).isEqualTo(128);
        assertThat(h.create("web", "", 1).getServers(0).getHostName()).isEqualTo("solo");
    }
}
