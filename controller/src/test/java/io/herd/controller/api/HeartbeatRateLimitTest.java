package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.herd.api.v1.AgentRegistryGrpc;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heartbeat rate is counted per host name, the identity an agent certificate proves: a
 * sender that writes another host id into every heartbeat is counted as the same host.
 */
class HeartbeatRateLimitTest {

    @TempDir
    Path dir;

    @Test
    void heartbeatsUnderOneNameShareOneLimitWhateverHostIdTheyCarry() throws Exception {
        String name = "limited-" + UUID.randomUUID();
        try (Harness h = new Harness(dir)) {
            // one heartbeat a second, two in a burst
            Server server = InProcessServerBuilder.forName(name)
                    .addService(new AgentRegistryApi(h.core.hosts(), 10_000, 1, 100_000)).build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                AgentRegistryGrpc.AgentRegistryBlockingStub registry = AgentRegistryGrpc.newBlockingStub(channel);
                registry.heartbeat(h.report("hv-1").build());
                assertThatThrownBy(() -> registry.heartbeat(h.report("hv-1").setHostId(UUID.randomUUID().toString())
                        .build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> registry.heartbeat(h.report("hv-1")
                            .setHostId(UUID.randomUUID().toString()).build()))
                            .isInstanceOfSatisfying(StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                }
                // and the host's own heartbeats wait their turn with them
                assertThatThrownBy(() -> registry.heartbeat(h.report("hv-1").build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                // another host is counted on its own
                registry.heartbeat(h.report("hv-2").build());
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        }
    }
}
