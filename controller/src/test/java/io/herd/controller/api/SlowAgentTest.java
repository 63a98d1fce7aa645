package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.model.HostFailurePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hung agent holds at most its own share of the launch threads: other hosts' launches go on. */
class SlowAgentTest {

    @TempDir
    Path dir;

    @Test
    void aHungAgentDoesNotStallLaunchesOnOtherHosts() throws Exception {
        // 4 agent calls in flight at once, at most 2 to one agent
        try (Harness h = new Harness(dir, new CoreSettings(Harness.HEARTBEAT, 0, 0, 2, Duration.ofSeconds(60),
                HostFailurePolicy.NONE, 4, 2))) {
            CountDownLatch hang = new CountDownLatch(1);
            h.agents.hung.put(Harness.address("slow"), hang);
            h.heartbeat("slow");
            List<Server> stuck = h.create("stuck", "", 6).getServersList();
            assertThat(stuck).allSatisfy(s -> assertThat(s.getHostId()).isEqualTo("slow"));
            await().until(() -> h.agents.launches.size() == 2);

            h.heartbeat("fast");
            Server quick = h.create("quick", "", 1).getServers(0);
            assertThat(quick.getHostId()).isEqualTo("fast");
            await().atMost(Duration.ofSeconds(10)).until(() -> h.state(quick.getId()) == ServerState.SERVER_STATE_ACTIVE);
            // the hung agent got no more than its share
            assertThat(h.agents.launches.stream().filter(l -> l.endsWith("@" + Harness.address("slow")))).hasSize(2);
            assertThat(stuck).allSatisfy(s -> assertThat(h.state(s.getId())).isEqualTo(
                    ServerState.SERVER_STATE_BUILDING));

            hang.countDown();
            for (Server s : stuck) {
                await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
            }
        }
    }
}
