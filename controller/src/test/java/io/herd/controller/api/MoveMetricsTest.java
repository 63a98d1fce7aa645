package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.controller.core.CoreMetrics;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostFailurePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the core tells the metrics of moves: a migration, an evacuation once the grace period
 * is over (told once however many liveness checks follow), an operator's evacuation of the
 * same host, and the first ACTIVE of each new server only, timed on the core's clock.
 */
class MoveMetricsTest {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration DOWN = Duration.ofSeconds(16);

    @TempDir
    Path dir;

    @Test
    void movesEvacuationsAndFirstActivesAreToldOnce() throws Exception {
        Recorded told = new Recorded();
        try (Harness h = new Harness(dir, new CoreSettings(Harness.HEARTBEAT, 0, 0, 2, GRACE,
                HostFailurePolicy.NONE, 4, 4), told)) {
            for (String host : List.of("a", "b", "c")) {
                h.heartbeat(host);
            }
            String web = h.evacuatingGroup("web", Policy.ANTI_AFFINITY, Scope.HOST, 1).getId();
            String keep = h.group("keep", Policy.ANTI_AFFINITY, Scope.HOST, 1).getId();
            // the agent answers the first launch 3 s after the create, on the controller's clock
            h.agents.launchGate = new CountDownLatch(1);
            Server w = h.create("web", web, 1).getServers(0);
            h.clock.advance(Duration.ofSeconds(3));
            h.agents.launchGate.countDown();
            h.active(w);
            h.agents.launchGate = null;
            Server k = h.active(h.create("keep", keep, 1).getServers(0));
            assertThat(told.activations).containsExactly(Duration.ofSeconds(3), Duration.ZERO);

            String to = List.of("a", "b", "c").stream().filter(x -> !x.equals(w.getHostId())
                    && !x.equals(k.getHostId())).findFirst().orElseThrow();
            h.servers.migrateServer(MigrateServerRequest.newBuilder().setId(w.getId()).setToHost(to).build());
            String dead = h.active(w).getHostId();
            assertThat(dead).isEqualTo(to);
            assertThat(told.moves).containsExactly(HistoryEntry.Event.MIGRATED);

            String[] alive = List.of("a", "b", "c").stream().filter(x -> !x.equals(dead)).toArray(String[]::new);
            h.pass(DOWN, alive);
            h.pass(GRACE, alive);
            h.active(w);
            h.pass(Duration.ofSeconds(1), alive);
            assertThat(told.evacuations).containsExactly(false);
            assertThat(told.moves).containsExactly(HistoryEntry.Event.MIGRATED, HistoryEntry.Event.EVACUATED);

            h.hosts.evacuateHost(EvacuateHostRequest.newBuilder().setId(dead).build());
            h.hosts.evacuateHost(EvacuateHostRequest.newBuilder().setId(dead).build());
            h.pass(Duration.ofSeconds(1), alive);
            assertThat(told.evacuations).containsExactly(false, true);
            // nothing else was on the dead host; moved servers turning ACTIVE again are no first ACTIVE
            assertThat(told.moves).hasSize(2);
            assertThat(told.activations).hasSize(2);
        }
    }

    /** What the core told, in order. */
    private static final class Recorded implements CoreMetrics {
        final List<Duration> activations = new CopyOnWriteArrayList<>();
        final List<HistoryEntry.Event> moves = new CopyOnWriteArrayList<>();
        final List<Boolean> evacuations = new CopyOnWriteArrayList<>();

        @Override
        public void serversMoved(HistoryEntry.Event why, int servers) {
            for (int i = 0; i < servers; i++) {
                moves.add(why);
            }
        }

        @Override
        public void hostEvacuated(boolean byOperator) {
            evacuations.add(byOperator);
        }

        @Override
        public void serverActivated(Duration sinceCreated) {
            activations.add(sinceCreated);
        }
    }
}
