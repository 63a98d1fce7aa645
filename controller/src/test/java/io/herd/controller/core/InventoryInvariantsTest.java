package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.StoreKind;
import io.herd.controller.store.TestStore;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The inventory keeps its own invariants whatever happens: random walks of creates, deletes,
 * moves, failing and silent hosts and lost agent answers, checked after every step, on each
 * {@link StoreKind}.
 */
class InventoryInvariantsTest {

    private static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4");

    @Test
    void stateCanOnlyBeChangedThroughTheInventorysMethods() {
        for (Field f : Inventory.class.getDeclaredFields()) {
            if (f.isSynthetic()) {
                continue;
            }
            boolean exposed = !Modifier.isPrivate(f.getModifiers());
            if (exposed) {
                assertThat(Modifier.isFinal(f.getModifiers())).as(f.getName() + " is final").isTrue();
                assertThat(f.getName()).as("exposed field").isIn("lock", "startedAt");
            }
        }
    }

    @Property(tries = 20)
    void invariantsHoldAfterEveryStepOfARandomWalkOnSqlite(@ForAll long seed) throws IOException {
        invariantsHoldAfterEveryStepOfARandomWalk(StoreKind.SQLITE, seed);
    }

    @Property(tries = 20)
    void invariantsHoldAfterEveryStepOfARandomWalkOnPostgresql(@ForAll long seed) throws IOException {
        invariantsHoldAfterEveryStepOfARandomWalk(StoreKind.POSTGRESQL, seed);
    }

    private static void invariantsHoldAfterEveryStepOfARandomWalk(StoreKind kind, long seed) throws IOException {
        Path dir = Files.createTempDirectory("herd-invariants");
        Random random = new Random(seed);
        FakeAgents agents = new FakeAgents();
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        CoreSettings settings = new CoreSettings(Duration.ofSeconds(5), 0, 0, 2, Duration.ofSeconds(20),
                HostFailurePolicy.EVACUATE, 4, 2);
        try (TestStore stores = kind.create(dir);
             ControllerCore core = ControllerCore.start(stores.open(), new PlacementEngine(Weighing.SPREAD), agents,
                     clock, settings)) {
            core.groups().create("anti", Policy.ANTI_AFFINITY, Scope.HOST, 1, null);
            core.groups().create("pair", Policy.AFFINITY, Scope.HOST, 1, null);
            core.groups().create("spread", Policy.SOFT_ANTI_AFFINITY, Scope.HOST, 1, HostFailurePolicy.NONE);
            Set<String> silent = new java.util.HashSet<>();
            for (int step = 0; step < 120; step++) {
                try {
                    act(random, core, agents, clock, silent);
                } catch (ControllerException expected) {
                    // refusals are answers too; what matters is the state they leave
                }
                assertThat(core.invariantViolations()).as("seed %d, step %d", seed, step).isEmpty();
            }
            // let everything settle: every host back, no failures, every call answered
            agents.failingLaunches.clear();
            agents.failingDeletes.clear();
            agents.lostAnswers.clear();
            silent.clear();
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofSeconds(1));
                HOSTS.forEach(h -> heartbeat(core, agents, h));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                HOSTS.forEach(h -> heartbeat(core, agents, h));
                return core.servers().list("", "", null).stream().map(v -> v.server().status())
                        .noneMatch(s -> s == ServerStatus.BUILDING || s == ServerStatus.DELETING);
            });
            assertThat(core.invariantViolations()).isEmpty();
            // and every ACTIVE server runs on exactly the host it is recorded on, and nowhere else
            for (var v : core.servers().list("", "", ServerStatus.ACTIVE)) {
                ServerRecord s = v.server();
                Set<String> where = agents.domains.entrySet().stream().filter(e -> e.getValue().contains(s.id()))
                        .map(e -> e.getKey().replace(":7701", "")).collect(Collectors.toSet());
                assertThat(where).as("seed %d: hosts running %s", seed, s.id()).containsOnly(s.hostId());
            }
        }
    }

    private static void act(Random random, ControllerCore core, FakeAgents agents, FakeClock clock,
                            Set<String> silent) {
        List<ServerRecord> servers = new ArrayList<>();
        core.servers().list("", "", null).forEach(v -> servers.add(v.server()));
        String host = HOSTS.get(random.nextInt(HOSTS.size()));
        String address = host + ":7701";
        ServerRecord any = servers.isEmpty() ? null : servers.get(random.nextInt(servers.size()));
        switch (random.nextInt(12)) {
            case 0, 1 -> HOSTS.stream().filter(h -> !silent.contains(h)).forEach(h -> heartbeat(core, agents, h));
            case 2 -> {
                clock.advance(Duration.ofSeconds(random.nextInt(25)));
                core.hosts().checkLiveness();
            }
            case 3, 4 -> {
                String group = List.of("", "anti", "pair", "spread").get(random.nextInt(4));
                core.servers().create(new CreateServers("s" + random.nextInt(1000), 1, 256, 0, "", "", group,
                        1 + random.nextInt(2), ""));
            }
            case 5 -> {
                if (any != null) {
                    core.servers().delete(any.id(), random.nextBoolean() && !core.hosts().get(any.hostId().isEmpty()
                            ? host : any.hostId()).host().up());
                }
            }
            case 6 -> {
                if (any != null) {
                    core.migrations().migrate(any.id(), random.nextBoolean() ? "" : host);
                }
            }
            case 7 -> core.migrations().drain(host, "maintenance");
            case 8 -> core.hosts().setSchedulable(host, true, "");
            case 9 -> core.hosts().evacuate(host);
            case 10 -> {
                if (!silent.remove(host)) {
                    silent.add(host);
                }
            }
            default -> {
                switch (random.nextInt(3)) {
                    case 0 -> toggle(agents.failingLaunches, address);
                    case 1 -> toggle(agents.failingDeletes, address);
                    default -> toggle(agents.lostAnswers, address);
                }
            }
        }
    }

    private static void toggle(Set<String> set, String value) {
        if (!set.remove(value)) {
            set.add(value);
        }
    }

    /** A heartbeat, and what a real agent does with the answer: destroy the copies the controller names. */
    private static void heartbeat(ControllerCore core, FakeAgents agents, String host) {
        HostReport.Ack ack = core.hosts().heartbeat(report(host, agents));
        if (!ack.destroyServerIds().isEmpty()) {
            agents.domains.get(host + ":7701").removeAll(ack.destroyServerIds());
        }
    }

    private static HostReport report(String host, FakeAgents agents) {
        List<HostReport.ReportedDomain> domains = agents.on(host + ":7701").stream()
                .map(id -> new HostReport.ReportedDomain(id, true, "running", new Resources(1, 256, 0))).toList();
        return new HostReport(host, host, host + ":7701", "", "", new HostCapacity(4, 2048, 100, 100, 0, 0, 0, 1.0,
                1.0), Resources.ZERO, Resources.ZERO, "", false, "", "", domains);
    }
}
