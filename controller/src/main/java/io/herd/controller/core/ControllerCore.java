package io.herd.controller.core;

import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.Store;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's core, built from the store: groups, servers and hosts over one inventory,
 * one placement engine and one bounded launch executor. No gRPC, no JDBC here.
 */
public final class ControllerCore implements AutoCloseable {

    private final ExecutorService launchExecutor;
    private final Launcher launcher;
    private final StoreWriter writer;
    private final GroupManager groups;
    private final ServerManager servers;
    private final HostManager hosts;

    private ControllerCore(ExecutorService launchExecutor, Launcher launcher, StoreWriter writer, GroupManager groups,
                           ServerManager servers, HostManager hosts) {
        this.launchExecutor = launchExecutor;
        this.launcher = launcher;
        this.writer = writer;
        this.groups = groups;
        this.servers = servers;
        this.hosts = hosts;
    }

    /**
     * Loads the store into memory and the engine; launches nothing (BUILDING servers are
     * launched again only once their host's heartbeat shows their domain missing).
     *
     * @param launchParallelism launches in flight at once, across all agents
     */
    public static ControllerCore start(Store store, PlacementEngine engine, AgentPort agents, Clock clock,
                                       CoreSettings settings, int launchParallelism) {
        Inventory inv = new Inventory(engine, store, clock);
        inv.load();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = new ThreadPoolExecutor(launchParallelism, launchParallelism, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "launch-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        Launcher launcher = new Launcher(inv, agents, executor, settings.launchRetries());
        return new ControllerCore(executor, launcher, inv.writer, new GroupManager(inv, settings),
                new ServerManager(inv, settings, launcher, agents), new HostManager(inv, settings, launcher));
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

    /**
     * Stops launching and cancels launches in flight without recording their outcome: the
     * next start settles them from the agents' heartbeats, as after a crash.
     */
    @Override
    public void close() {
        launcher.stop();
        launchExecutor.shutdownNow();
        try {
            launchExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
