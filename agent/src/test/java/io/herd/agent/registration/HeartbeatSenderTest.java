package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.herd.agent.api.HostPolicy;
import io.herd.agent.api.HostReporter;
import io.herd.agent.host.HostIdentity;
import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.testing.FakeHypervisor;
import io.herd.agent.testing.FakeRegistry;
import io.herd.api.v1.HeartbeatRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import io.herd.agent.host.ImageCatalog;
import io.herd.common.LaunchLimits;
import io.herd.runtime.grpc.ControllerEndpoints;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat loop on a hand-written fake hypervisor. */
class HeartbeatSenderTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** A sender with a one-minute interval, this test's image directory, and a fixed clock. */
    private HeartbeatSender sender(ControllerEndpoints channel, HostReporter reporter, FakeHypervisor hypervisor)
            throws Exception {
        return new HeartbeatSender(channel, reporter, hypervisor, new HeartbeatSender.Settings("127.0.0.1:1",
                Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMinutes(1)),
                new HeartbeatSender.Parts(LaunchLimits.API, new ImageCatalog(dir),
                        new Fencing(hypervisor, dir, Clock.fixed(NOW, ZoneOffset.UTC), () -> { }),
                        new StaleCopies(hypervisor, () -> { }), new ControllerEpoch()),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static ControllerEndpoints endpoints(String... addresses) {
        return new ControllerEndpoints(List.of(addresses),
                a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create()).disableRetry().build());
    }

    @Test
    void whileLibvirtIsDownHeartbeatsSayDegradedAndKeepTheLastKnownServers() throws Exception {
        FakeHypervisor hypervisor = new FakeHypervisor();
        java.nio.file.Files.writeString(dir.resolve("debian-12.qcow2"), "base image");
        java.nio.file.Files.writeString(dir.resolve("herd-" + UUID.randomUUID() + ".qcow2"), "a server's root disk");
        UUID id = UUID.randomUUID();
        hypervisor.launch(new DomainSpec(id, "kept", 1, 64, 0, "", "g", ""));
        HostReporter reporter = new HostReporter(hypervisor,
                new HostIdentity("host-1", "h1", "r1", "z1", "fake:///", "test"), new HostPolicy(1, 512, 0, 4.0, 1.0));
        try (FakeRegistry registry = new FakeRegistry()) {
            ControllerEndpoints channel = endpoints(registry.address());
            HeartbeatSender sender = sender(channel, reporter, hypervisor);
            hypervisor.setEventListener(sender::trigger);
            try {
                sender.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> !registry.accepted().isEmpty());
                HeartbeatRequest first = registry.accepted().get(0);
                assertThat(first.getServersList()).extracting(s -> s.getServerId()).containsExactly(id.toString());
                assertThat(first.getCapacity().getReservedCpus()).isEqualTo(1);
                assertThat(first.getLimits().getMaxVcpus()).isEqualTo(LaunchLimits.API.maxVcpus());
                assertThat(first.getImagesList()).containsExactly("debian-12.qcow2");
                assertThat(sender.lastAcknowledgedAt()).isEqualTo(NOW);

                hypervisor.setDegraded(true);
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.lastAccepted(
                        HeartbeatRequest::getDegraded).isPresent());
                HeartbeatRequest degraded = registry.lastAccepted(HeartbeatRequest::getDegraded).orElseThrow();
                assertThat(degraded.getReason()).contains("libvirt lost");
                assertThat(degraded.getDegradedReason()).isEqualTo("fake libvirt is down");
                assertThat(degraded.getServersList()).extracting(s -> s.getServerId())
                        .containsExactly(id.toString());

                hypervisor.setDegraded(false);
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.lastAccepted(h ->
                        h.getReason().contains("libvirt connected") && !h.getDegraded()).isPresent());
                assertThat(registry.accepted()).extracting(HeartbeatRequest::getSequence).isSorted()
                        .doesNotHaveDuplicates();
            } finally {
                sender.close();
                channel.close();
            }
        }
    }

    /**
     * A flood of events never makes the agent heartbeat faster than one per
     * {@link HeartbeatSender#MIN_GAP} (what the controller's rate limit accepts): the events go
     * out together. Whatever the speed of this machine, n heartbeats take at least (n − 1) gaps.
     */
    @Test
    void aFloodOfEventsIsSentAtMostOnePerGap() throws Exception {
        FakeHypervisor hypervisor = new FakeHypervisor();
        HostReporter reporter = new HostReporter(hypervisor,
                new HostIdentity("host-2", "h2", "", "", "fake:///", "test"), new HostPolicy(0, 0, 0, 4.0, 1.0));
        try (FakeRegistry registry = new FakeRegistry()) {
            ControllerEndpoints channel = endpoints(registry.address());
            HeartbeatSender sender = sender(channel, reporter, hypervisor);
            try {
                sender.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted().size() == 1);
                // an event a millisecond for half a second (a busy agent), then the last one
                long started = System.nanoTime();
                long next = started;
                int events = 0;
                while (System.nanoTime() - started < 500_000_000L) {
                    if (System.nanoTime() >= next) {
                        sender.trigger("event " + events++);
                        next += 1_000_000L;
                    }
                    Thread.onSpinWait();
                }
                String last = "event " + (events - 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted().stream()
                        .anyMatch(h -> h.getReason().contains(last)));
                long elapsed = System.nanoTime() - started;
                int sent = registry.accepted().size() - 1;
                assertThat(sent).isGreaterThanOrEqualTo(1)
                        .isLessThanOrEqualTo((int) (elapsed / HeartbeatSender.MIN_GAP.toNanos()) + 1);
            } finally {
                sender.close();
                channel.close();
            }
        }
    }
}
