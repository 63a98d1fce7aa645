package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.agent.api.HostPolicy;
import io.herd.agent.api.HostReporter;
import io.herd.agent.host.HostIdentity;
import io.herd.agent.host.ImageCatalog;
import io.herd.agent.testing.FakeHypervisor;
import io.herd.agent.testing.FakeRegistry;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.common.LaunchLimits;
import io.herd.runtime.grpc.ControllerEndpoints;
import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats to several controllers: standbys that name the leader, addresses nobody serves, terms. */
class HeartbeatFailoverTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ControllerEpoch epochs = new ControllerEpoch();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private FakeRegistry registry() throws IOException {
        FakeRegistry r = new FakeRegistry();
        open.add(r);
        return r;
    }

    private FakeRegistry standby(Optional<String> leader) throws IOException {
        FakeRegistry r = registry();
        r.standby(leader);
        return r;
    }

    private static String nobody() {
        return "127.0.0.1:" + Ports.free();
    }

    /** A sender that waits a minute between heartbeats and backs off at least two seconds. */
    private HeartbeatSender sender(String... controllers) {
        FakeHypervisor hypervisor = new FakeHypervisor();
        HostReporter reporter = new HostReporter(hypervisor,
                new HostIdentity("host-1", "h1", "", "", "fake:///", "test"), new HostPolicy(0, 0, 0, 4.0, 1.0));
        ControllerEndpoints endpoints = HeartbeatSenderTest.endpoints(controllers);
        open.add(endpoints);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        HeartbeatSender sender = new HeartbeatSender(endpoints, reporter, hypervisor,
                new HeartbeatSender.Settings("127.0.0.1:1", Duration.ofMinutes(1), Duration.ofSeconds(5),
                        Duration.ofMinutes(1)),
                new HeartbeatSender.Parts(LaunchLimits.API, new ImageCatalog(dir),
                        new Fencing(hypervisor, dir, clock, () -> { }), new StaleCopies(hypervisor, () -> { }), epochs),
                clock);
        open.add(sender);
        return sender;
    }

    @Test
    void aStandbysRefusalSendsTheHeartbeatToTheLeaderItNamesAtOnceAndIsNoAnswer() throws Exception {
        FakeRegistry leader = registry();
        FakeRegistry standby = standby(Optional.of(leader.address()));
        HeartbeatSender sender = sender(standby.address());

        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.REDIRECTED);
        assertThat(sender.acknowledged()).isZero();
        assertThat(sender.lastAcknowledgedAt()).isNull();

        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.ANSWERED);
        assertThat(leader.accepted()).extracting(HeartbeatRequest::getReason).containsExactly("start");
        assertThat(sender.acknowledged()).isEqualTo(1);
    }

    @Test
    void theRunningSenderFollowsARedirectWithoutWaitingForTheBackoff() throws Exception {
        FakeRegistry leader = registry();
        FakeRegistry standby = standby(Optional.of(leader.address()));
        HeartbeatSender sender = sender(standby.address());

        sender.start();

        // a backoff would wait two seconds and more; the interval is a minute
        await().atMost(Duration.ofSeconds(10)).until(() -> !leader.accepted().isEmpty());
        assertThat(standby.all()).hasSize(1);
        assertThat(leader.accepted().get(0).getSequence()).isEqualTo(standby.all().get(0).getSequence() + 1);
        assertThat(leader.accepted().get(0).getReason()).isEqualTo("start");
    }

    @Test
    void anAddressNobodyServesOrAStandbyThatKnowsNoLeaderIsFollowedByTheNextAddress() throws Exception {
        FakeRegistry electing = standby(Optional.empty());
        FakeRegistry leader = registry();
        HeartbeatSender sender = sender(nobody(), electing.address(), leader.address());

        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.FAILED);
        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.FAILED);
        assertThat(electing.all()).hasSize(1);
        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.ANSWERED);
        assertThat(leader.accepted()).hasSize(1);
    }

    @Test
    void standbysThatNameEachOtherAreFollowedAFewTimesThenTheSenderBacksOff() throws Exception {
        FakeRegistry a = registry();
        FakeRegistry b = standby(Optional.of(a.address()));
        a.standby(Optional.of(b.address()));
        HeartbeatSender sender = sender(a.address());

        List<HeartbeatSender.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(sender.sendOnce("start"));
        }

        assertThat(outcomes).containsExactly(HeartbeatSender.Outcome.REDIRECTED, HeartbeatSender.Outcome.REDIRECTED,
                HeartbeatSender.Outcome.REDIRECTED, HeartbeatSender.Outcome.FAILED);
    }

    @Test
    void anAnswerRaisesTheEpochAndAnAnswerFromAnEndedTermIsNotCounted() throws Exception {
        FakeRegistry deposed = registry();
        deposed.answerEpoch(3);
        FakeRegistry leader = registry();
        leader.answerEpoch(4);
        HeartbeatSender sender = sender(leader.address(), deposed.address());

        assertThat(sender.sendOnce("start")).isEqualTo(HeartbeatSender.Outcome.ANSWERED);
        assertThat(epochs.highest()).isEqualTo(4);

        // the leader goes away; the old leader still answers, in its ended term
        leader.close();
        assertThat(sender.sendOnce("interval")).isEqualTo(HeartbeatSender.Outcome.FAILED);
        assertThat(sender.sendOnce("interval")).isEqualTo(HeartbeatSender.Outcome.FAILED);

        assertThat(deposed.all()).hasSize(1);
        assertThat(sender.acknowledged()).isEqualTo(1);
        assertThat(epochs.highest()).isEqualTo(4);
    }
}
