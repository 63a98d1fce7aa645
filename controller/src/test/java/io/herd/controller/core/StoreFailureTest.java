package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreException;
import io.herd.controller.store.StoreKind;
import io.herd.controller.store.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When the store cannot write, a create answers UNAVAILABLE and leaves nothing behind. Runs on
 * each {@link StoreKind}.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class StoreFailureTest {

    @Parameter
    StoreKind kind;

    @TempDir
    Path dir;

    private TestStore stores;

    @BeforeEach
    void createStore() {
        stores = kind.create(dir);
    }

    @AfterEach
    void dropStore() {
        stores.close();
    }

    /**
     * A real store that refuses to write while {@code failing} is set, and whose writes wait
     * for {@code gate} while one is set.
     */
    static final class FlakyStore implements Store {
        final Store real;
        volatile boolean failing;
        volatile java.util.concurrent.CountDownLatch gate;
        /** Counted down by each write that reaches the gate (before it waits there). */
        final java.util.concurrent.CountDownLatch reachedGate = new java.util.concurrent.CountDownLatch(1);
        /** Thrown by the next write when set (an Error, e.g. out of memory). */
        volatile Error error;

        FlakyStore(Store real) {
            this.real = real;
        }

        @Override
        public List<GroupRecord> loadGroups() {
            return real.loadGroups();
        }

        @Override
        public List<HostRecord> loadHosts() {
            return real.loadHosts();
        }

        @Override
        public List<ServerRecord> loadServers() {
            return real.loadServers();
        }

        @Override
        public List<io.herd.controller.model.FlavorRecord> loadFlavors() {
            return real.loadFlavors();
        }

        @Override
        public Map<String, List<String>> loadRequests() {
            return real.loadRequests();
        }

        @Override
        public Map<String, List<io.herd.controller.model.HistoryEntry>> loadHistory() {
            return real.loadHistory();
        }

        @Override
        public void apply(List<Mutation> batch) {
            java.util.concurrent.CountDownLatch g = gate;
            if (g != null) {
                reachedGate.countDown();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("store: interrupted", e);
                }
            }
            if (error != null) {
                throw error;
            }
            if (failing) {
                throw new StoreException("store: disk full", null);
            }
            real.apply(batch);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void aCreateThatCannotBeStoredIsRefusedAndReleasesItsClaim() {
        FlakyStore store = new FlakyStore(stores.open());
        FakeAgents agents = new FakeAgents();
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ControllerCore core = ControllerCore.start(store, new PlacementEngine(Weighing.SPREAD), agents, clock,
                new CoreSettings(Duration.ofSeconds(5), 0, 0, 2))) {
            core.hosts().heartbeat(new HostReport("h1", "h1", "h1:7701", "", "", new HostCapacity(1, 4096, 100, 100,
                    0, 0, 0, 1.0, 1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", List.of()));
            core.groups().create("web", Policy.ANTI_AFFINITY, Scope.HOST, 1, null);
            CreateServers req = new CreateServers("s", 1, 1024, 0, "", "", "web", 1, "req-1");

            store.failing = true;
            assertThatThrownBy(() -> core.servers().create(req))
                    .isInstanceOfSatisfying(ControllerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ControllerException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("disk full").contains("nothing was created");
                    });
            assertThat(core.servers().list("", "", null)).isEmpty();
            assertThat(core.groups().get("web").memberIds()).isEmpty();
            assertThat(agents.launches).isEmpty();

            // the single vCPU and the group's only slot were given back: the same request now succeeds
            store.failing = false;
            ServerManager.Created created = core.servers().create(req);
            assertThat(created.replayed()).isFalse();
            assertThat(created.servers()).hasSize(1);
            assertThat(core.hosts().get("h1").allocated().vcpus()).isEqualTo(1);
        }
    }
}
