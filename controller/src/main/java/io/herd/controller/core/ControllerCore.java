package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The controller's core, built from the store: groups, servers, hosts and flavors over one
 * inventory, one placement engine, and the background work (launches, deletes, evacuations) on
 * bounded agent-call pools. No gRPC, no JDBC here.
 */
public final class ControllerCore implements AutoCloseable {

    /** The shortest time after a start during which hosts that have not reported may still. */
    private static final Duration MIN_SETTLING = Duration.ofSeconds(5);

    private final Inventory inv;
    private final AgentCalls calls;
    private final Launcher launcher;
    private final GroupManager groups;
    private final ServerManager servers;
    private final HostManager hosts;
    private final Migrations migrations;
    private final FlavorManager flavors;

    private ControllerCore(Inventory inv, AgentCalls calls, Launcher launcher, GroupManager groups,
                           ServerManager servers, HostManager hosts, Migrations migrations, FlavorManager flavors) {
        this.inv = inv;
        this.calls = calls;
        this.launcher = launcher;
        this.groups = groups;
        this.servers = servers;
        this.hosts = hosts;
        this.migrations = migrations;
        this.flavors = flavors;
    }

    /**
     * Loads (and repairs) the store into memory and the engine; launches nothing yet: every
     * host is DOWN until its first heartbeat, which settles its servers (BUILDING servers whose
     * domain is missing are launched, deletes resume).
     */
    public static ControllerCore start(Store store, PlacementEngine engine, AgentPort agents, Clock clock,
                                       CoreSettings settings) {
        return start(store, engine, agents, clock, settings, CoreMetrics.NONE);
    }

    /** As {@link #start(Store, PlacementEngine, AgentPort, Clock, CoreSettings)}, telling {@code metrics} its work. */
    public static ControllerCore start(Store store, PlacementEngine engine, AgentPort agents, Clock clock,
                                       CoreSettings settings, CoreMetrics metrics) {
        Inventory inv = new Inventory(engine, store, clock, metrics);
        StoreLoader.Loaded loaded = StoreLoader.load(store, clock.instant());
        synchronized (inv.lock) {
            // a live agent reports within an interval, or within a few seconds of a failover (it backs off while
            // the election runs): until then, a refusal for want of hosts is not final
            Duration settling = settings.heartbeatInterval().multipliedBy(3);
            inv.load(loaded, settling.compareTo(MIN_SETTLING) < 0 ? MIN_SETTLING : settling);
        }
        for (Mutation repair : loaded.repairs()) {
            inv.writer().submit(repair);
        }
        AgentCalls calls = new AgentCalls(settings.parallelism(), settings.perHostParallelism());
        Launcher launcher = new Launcher(inv, agents, calls, settings.launchRetries(), metrics);
        Deleter deleter = new Deleter(inv, agents, calls);
        launcher.setDeleter(deleter);
        HostManager hosts = new HostManager(inv, settings, launcher, deleter, agents, metrics);
        Mover mover = new Mover(inv, launcher, metrics);
        hosts.setEvacuator(new Evacuator(inv, settings, mover, launcher, deleter, metrics));
        return new ControllerCore(inv, calls, launcher, new GroupManager(inv, settings),
                new ServerManager(inv, settings, launcher, deleter), hosts, new Migrations(inv, mover, hosts),
                new FlavorManager(inv, loaded.flavors()));
    }

    public GroupManager groups() {
        return groups;
    }

    public ServerManager servers() {
        return servers;
    }

    public HostManager hosts() {
        return hosts;
    }

    public Migrations migrations() {
        return migrations;
    }

    public FlavorManager flavors() {
        return flavors;
    }

    /**
     * How many servers are in each status and hosts in each state, the hosts' heartbeat ages,
     * and how many groups break their hard policy, now.
     */
    public StateCounts stateCounts() {
        int[] servers;
        List<HostRecord> hosts;
        List<Instant> heard;
        List<String> groups;
        Instant now;
        // the counts kept as servers change, and a copy of the hosts, under the lock; their
        // heartbeats' times read and everything counted outside it: heartbeats and creates wait
        // for none of that
        synchronized (inv.lock) {
            servers = inv.serverCountsByStatus();
            hosts = new ArrayList<>(inv.hosts());
            groups = new ArrayList<>(inv.groupIds());
            now = inv.now();
        }
        heard = new ArrayList<>(hosts.size());
        for (HostRecord h : hosts) {
            heard.add(inv.lastHeartbeat(h));
        }
        int nonCompliant = 0;
        for (String id : groups) {
            if (inv.compliance(id).map(c -> !c.compliant()).orElse(false)) {
                nonCompliant++;
            }
        }
        return StateCounts.of(servers, hosts, heard, now, nonCompliant);
    }

    /** What does not hold of the inventory's invariants; empty when all hold. For tests and debugging. */
    List<String> invariantViolations() {
        synchronized (inv.lock) {
            return inv.violations();
        }
    }

    /**
     * Called with (healthy, why) now and whenever the store's health changes: while writes
     * that must land are failing, the controller refuses changes and should say NOT_SERVING.
     */
    public void onStoreHealthChange(BiConsumer<Boolean, String> listener) {
        inv.writer().onHealthChange(listener);
    }

    /**
     * Called once, from the store writer's thread, when a write ends this leader's term
     * (controllers sharing a PostgreSQL store): from then on the core writes nothing and
     * refuses every change; the owner closes it and builds a new one if it leads again.
     */
    public void onTermEnded(java.util.function.Consumer<String> listener) {
        inv.writer().onTermEnded(listener);
    }

    /**
     * Stops agent calls without recording their outcome (the next start settles them from the
     * agents' heartbeats, as after a crash), then writes what is queued.
     */
    @Override
    public void close() {
        launcher.stop();
        calls.close();
        inv.close();
        // after the store writer: the creates it settled while closing are answered
        servers.close();
    }
}
