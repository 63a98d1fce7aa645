package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreKind;
import io.herd.controller.store.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flavors are kept in the store and loaded at start; a flavor is seen only once it is on disk,
 * and two creates of one id or name cannot both win. Runs on each {@link StoreKind}; a restart
 * reopens the same database.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class FlavorManagerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");

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

    private static ControllerCore start(Store store) {
        return ControllerCore.start(store, new PlacementEngine(Weighing.SPREAD), new FakeAgents(), new FakeClock(T0),
                new CoreSettings(Duration.ofSeconds(5), 0, 0, 2));
    }

    @Test
    void aFlavorSurvivesARestartAndADeleteToo() {
        FlavorRecord small;
        try (ControllerCore core = start(stores.open())) {
            small = core.flavors().create("", "small", 1, 512, 0);
            core.flavors().create("f-big", "big", 8, 16_384, 100);
            core.flavors().create("f-gone", "gone", 1, 16, 1);
            core.flavors().delete("gone");
        }
        try (ControllerCore core = start(stores.open())) {
            assertThat(core.flavors().get("small")).isEqualTo(small);
            assertThat(core.flavors().get(small.id())).isEqualTo(small);
            assertThat(small.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
            assertThat(core.flavors().list()).extracting(FlavorRecord::name).containsExactly("big", "small");
            assertThatThrownBy(() -> core.flavors().get("f-gone"))
                    .isInstanceOfSatisfying(ControllerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ControllerException.Kind.NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo("flavor: no flavor with id or name 'f-gone'");
                    });
        }
    }

    @Test
    void twoCreatesOfOneIdOrNameCannotBothWin() throws Exception {
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store)) {
            store.gate = new CountDownLatch(1);
            CompletableFuture<FlavorRecord> first = CompletableFuture.supplyAsync(() ->
                    core.flavors().create("f-1", "small", 1, 512, 0));
            assertThat(store.reachedGate.await(5, TimeUnit.SECONDS)).isTrue();

            // while the first is being written it is not seen, yet its id and name are taken
            assertThat(core.flavors().list()).isEmpty();
            assertAlreadyExists("name:", () -> core.flavors().create("f-2", "small", 2, 1024, 0));
            assertAlreadyExists("id:", () -> core.flavors().create("f-1", "other", 2, 1024, 0));

            store.gate.countDown();
            assertThat(first).succeedsWithin(Duration.ofSeconds(5));
            assertAlreadyExists("name: a flavor named 'small' already exists",
                    () -> core.flavors().create("", "small", 1, 512, 0));
            assertThat(core.flavors().list()).extracting(FlavorRecord::id).containsExactly("f-1");
        }
    }

    @Test
    void aFlavorThatCannotBeWrittenIsNotCreated() {
        StoreFailureTest.FlakyStore store = new StoreFailureTest.FlakyStore(stores.open());
        try (ControllerCore core = start(store)) {
            store.failing = true;
            assertThatThrownBy(() -> core.flavors().create("", "small", 1, 512, 0))
                    .isInstanceOfSatisfying(ControllerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ControllerException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("nothing was created");
                    });
            store.failing = false;
            assertThat(core.flavors().list()).isEmpty();
            assertThat(core.flavors().create("", "small", 1, 512, 0).name()).isEqualTo("small");
        }
    }

    @Test
    void serversOfADeletedFlavorKeepItsNameAndSizesAcrossARestart() {
        String serverId;
        try (ControllerCore core = start(stores.open())) {
            core.hosts().heartbeat(new HostReport("h1", "h1", "h1:7701", "", "", new HostCapacity(8, 16_384, 100,
                    100, 0, 0, 0, 1.0, 1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", List.of()));
            FlavorRecord f = core.flavors().create("", "tiny", 1, 256, 0);
            serverId = core.servers().create(new CreateServers("web", f.vcpus(), f.memoryMib(), f.diskGib(), "", "",
                    "", 1, "", f.name(), Map.of("role", "web"))).servers().get(0).server().id();
            core.flavors().delete("tiny");
        }
        try (ControllerCore core = start(stores.open())) {
            assertThat(core.flavors().list()).isEmpty();
            assertThat(core.servers().get(serverId).server()).satisfies(s -> {
                assertThat(s.flavor()).isEqualTo("tiny");
                assertThat(s.resources()).isEqualTo(new Resources(1, 256, 0));
                assertThat(s.metadata()).containsExactly(Map.entry("role", "web"));
            });
        }
    }

    private static void assertAlreadyExists(String inMessage, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ControllerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ControllerException.Kind.ALREADY_EXISTS);
            assertThat(e.getMessage()).contains(inMessage);
        });
    }
}
