package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreKind;
import io.herd.controller.store.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes no caller waits for (launch outcomes, heartbeats' news) are never dropped: while the
 * store fails they are retried, the controller says it is unhealthy and refuses changes, and
 * once the store is back they land. A restart repairs what a lost write leaves missing. Runs on
 * each {@link StoreKind}; a restart reopens the same database.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class StoreOutageTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

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

    private static HostReport report(String host) {
        return new HostReport(host, host, host + ":7701", "", "", new HostCapacity(8, 16_384, 100, 100, 0, 0, 0,
                1.0, 1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", List.of());
    }

    private ControllerCore start(StoreFailureTest.FlakyStore store, FakeAgents agents) {
        return ControllerCore.start(store, new PlacementEngine(Weighing.SPREAD), agents, new FakeClock(T0),
                new CoreSettings(Duration.ofSeconds(5), 0, 0, 2));
    }

    @Test
    void aLaunchOutcomeThatCannotBeWrittenIsRetriedUntilItLandsAndChangesAreRefusedMeanwhile() {
        FakeAgents agents = new FakeAgents();
        agents.launchGate = new CountDownLatch(1);
        String id;
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store, agents)) {
            AtomicBoolean healthy = new AtomicBoolean(true);
            core.onStoreHealthChange((ok, why) -> healthy.set(ok));
            core.hosts().heartbeat(report("h1"));
            id = core.servers().create(new CreateServers("s", 1, 512, 0, "", "", "", 1, "")).servers().get(0)
                    .server().id();
            await().until(() -> agents.launches.size() == 1);

            store.failing = true;
            agents.launchGate.countDown();
            await().until(() -> !healthy.get());

            // memory has the outcome; the disk does not yet
            assertThat(core.servers().get(id).server().status()).isEqualTo(ServerStatus.ACTIVE);
            assertThatThrownBy(() -> core.servers().create(new CreateServers("t", 1, 512, 0, "", "", "", 1, "")))
                    .isInstanceOfSatisfying(ControllerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ControllerException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("store is failing").contains("disk full")
                                .contains("nothing was changed");
                    });
            assertThatThrownBy(() -> core.groups().create("web", Policy.ANTI_AFFINITY, Scope.HOST, 1, null))
                    .isInstanceOf(ControllerException.class);
            assertThat(core.servers().list("", "", null)).hasSize(1);
            assertThat(core.groups().list()).isEmpty();

            store.failing = false;
            await().until(healthy::get);
        }
        try (Store reopened = stores.open()) {
            assertThat(reopened.loadServers()).extracting(ServerRecord::id, ServerRecord::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(id, ServerStatus.ACTIVE));
        }
    }

    @Test
    void anErrorInTheStoreWriterStopsTheControllerInsteadOfLeavingItHalfAlive() {
        List<Integer> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.herd.common.BackgroundWork.onExit(exits::add);
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store, new FakeAgents())) {
            store.error = new OutOfMemoryError("Java heap space");
            core.hosts().heartbeat(report("h1"));
            await().until(() -> exits.contains(io.herd.common.BackgroundWork.EXIT_STATUS));
        } finally {
            io.herd.common.BackgroundWork.onExit(status -> Runtime.getRuntime().halt(status));
        }
    }

    @Test
    void nothingWaitsForTheDiskWhileHoldingTheInventory() {
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store, new FakeAgents())) {
            core.hosts().heartbeat(report("h1"));
            store.gate = new CountDownLatch(1);
            CompletableFuture<GroupView> create = CompletableFuture.supplyAsync(() ->
                    core.groups().create("web", Policy.ANTI_AFFINITY, Scope.HOST, 1, null));
            CompletableFuture<Void> cordon = CompletableFuture.runAsync(() ->
                    core.hosts().setSchedulable("h1", false, "maintenance"));

            // while both wait for the disk, reads and heartbeats are answered
            assertThat(CompletableFuture.supplyAsync(() -> core.hosts().list())).succeedsWithin(Duration.ofSeconds(5));
            assertThat(CompletableFuture.supplyAsync(() -> core.hosts().heartbeat(report("h2"))))
                    .succeedsWithin(Duration.ofSeconds(5));
            assertThat(CompletableFuture.supplyAsync(() -> core.groups().list().isEmpty()))
                    .succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
            assertThat(create).isNotDone();

            store.gate.countDown();
            assertThat(create).succeedsWithin(Duration.ofSeconds(5));
            assertThat(cordon).succeedsWithin(Duration.ofSeconds(5));
            assertThat(core.groups().list()).hasSize(1);
            assertThat(core.hosts().get("h1").host().schedulable()).isFalse();
        }
    }

    @Test
    void aMoveWhoseLastWritesWereLostEndsWhenItsServerIsFoundRunningWhereItWent() {
        HostReport a = report("a");
        try (ControllerCore core = start(new StoreFailureTest.FlakyStore(stores.open()), new FakeAgents())) {
            core.hosts().heartbeat(a);
            core.hosts().heartbeat(report("b"));
        }
        try (Store store = stores.open()) {
            // as a crash leaves it: moved to b, old domain on a removed and b launched, but the
            // writes saying so never reached the disk
            store.insertServers("", List.of(new ServerRecord("s1", "web-1", "", "b", ServerStatus.BUILDING,
                    "migrating", 1, 512, 0, "", "", "", T0, T0, "a")));
        }
        try (ControllerCore core = start(new StoreFailureTest.FlakyStore(stores.open()), new FakeAgents())) {
            assertThat(core.hosts().get("a").allocated().vcpus()).as("held until known gone").isEqualTo(1);
            HostReport b = report("b");
            core.hosts().heartbeat(new HostReport("b", "b", "b:7701", "", "", b.capacity(), Resources.ZERO,
                    Resources.ZERO, "", false, "", "", List.of(new HostReport.ReportedDomain("s1", true, "running",
                    new Resources(1, 512, 0)))));
            ServerRecord s = core.servers().get("s1").server();
            assertThat(s.status()).isEqualTo(ServerStatus.ACTIVE);
            assertThat(s.leavingHost()).isFalse();
            assertThat(core.hosts().get("a").allocated().vcpus()).isZero();
            assertThat(core.invariantViolations()).isEmpty();
        }
    }

    @Test
    void aRestartRepairsAServerWhoseHostOrGroupRowIsMissingAndStarts() {
        try (Store store = stores.open()) {
            // as if the heartbeat that registered the host, and the group, never reached the disk
            store.insertServers("", List.of(new ServerRecord("s1", "web-1", "lost-group", "ghost",
                    ServerStatus.ACTIVE, "", 1, 512, 0, "", "", "", T0, T0)));
        }
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store, new FakeAgents())) {
            HostView ghost = core.hosts().get("ghost");
            assertThat(ghost.host().up()).isFalse();
            assertThat(ghost.allocated().vcpus()).isEqualTo(1);
            ServerRecord s = core.servers().get("s1").server();
            assertThat(s.hostId()).isEqualTo("ghost");
            assertThat(s.groupId()).isEmpty();
            assertThat(s.status()).isEqualTo(ServerStatus.ACTIVE);
        }
        try (Store reopened = stores.open()) {
            await().untilAsserted(() -> assertThat(reopened.loadHosts()).extracting(HostRecord::id)
                    .containsExactly("ghost"));
            assertThat(reopened.loadServers().get(0).groupId()).isEmpty();
        }
    }
}
