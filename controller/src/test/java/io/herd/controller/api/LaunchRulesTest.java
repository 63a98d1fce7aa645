package io.herd.controller.api;

import static io.herd.controller.api.ServerGroupServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CreateServers is held to the rules every agent checks a launch with, and to each host's
 * reported limits and images: the controller never claims a server no agent would accept.
 */
class LaunchRulesTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        // a small agent: servers of at most 2 vCPUs, 1 GiB, 10 GiB; it offers base.qcow2 only
        h.registry.heartbeat(h.report("small").clearImages().addImages(Harness.IMAGE)
                .setLimits(LaunchLimits.newBuilder().setMaxVcpus(2).setMaxMemoryMib(1024).setMaxDiskGib(10))
                .build());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void whatAnAgentWouldRefuseIsInvalidAndChangesNothing() {
        assertCode(Status.Code.INVALID_ARGUMENT, "network: ", () -> h.servers.createServers(
                Harness.request("web", "").setNetwork("evil net").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "image: ", () -> h.servers.createServers(
                Harness.request("web", "").setImage("a b.img").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "name: must be printable characters; U+E000", () ->
                h.servers.createServers(Harness.request("web\uE000", "").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, "name: too long", () -> h.servers.createServers(
                Harness.request("n".repeat(253), "").setCount(10).build()));
        assertThat(h.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()).isEmpty();
        assertThat(h.agents.launches).isEmpty();
    }

    @Test
    void aServerLargerThanEveryAgentAcceptsOrWithAnImageNoneOffersIsRefusedWithWhy() {
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "1 host accepts smaller servers only", () ->
                h.servers.createServers(Harness.request("big", "").setVcpus(4).build()));
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "1 host does not offer image debian-12.qcow2", () ->
                h.servers.createServers(Harness.request("deb", "").setImage("debian-12.qcow2").build()));
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("small").build()).getAllocated().getVcpus())
                .isZero();

        h.heartbeat("large");
        Server big = h.servers.createServers(Harness.request("big", "").setVcpus(4).build()).getServers(0);
        assertThat(big.getHostId()).isEqualTo("large");
        Server deb = h.servers.createServers(Harness.request("deb", "").setImage("debian-12.qcow2").build())
                .getServers(0);
        assertThat(deb.getHostId()).isEqualTo("large");
        await().until(() -> h.state(big.getId()) == ServerState.SERVER_STATE_ACTIVE);
        assertThat(h.hosts.getHost(GetHostRequest.newBuilder().setId("small").build()).getLimits().getMaxVcpus())
                .isEqualTo(2);
    }
}
