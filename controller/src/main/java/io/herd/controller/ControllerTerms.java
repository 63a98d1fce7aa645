package io.herd.controller;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.common.BackgroundWork;
import io.herd.controller.agents.GrpcAgentPort;
import io.herd.controller.api.AgentRegistryApi;
import io.herd.controller.api.FlavorApi;
import io.herd.controller.api.HostApi;
import io.herd.controller.api.ServerApi;
import io.herd.controller.api.ServerGroupApi;
import io.herd.controller.config.ControllerConfig;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.ha.LeaderElection;
import io.herd.controller.ha.TermServices;
import io.herd.controller.nova.LeaderCore;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.store.LeaderLease;
import io.herd.controller.store.PostgresStore;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's terms as leader. Each term has a core of its own, loaded afresh from the
 * store, writing through the store fenced with the term's epoch and calling agents with it;
 * its end stops that core (what it did not write is what a crash would lose, and the next
 * term settles it from the store and the agents' heartbeats). On SQLite there is one term,
 * epoch 0, from start to stop. Between terms {@link TermServices} refuses every call, naming
 * the leader.
 */
final class ControllerTerms implements LeaderElection.Listener, LeaderCore {

    /** The services clients call, and the agents' registry. */
    static final List<io.grpc.ServiceDescriptor> SERVICES = List.of(ServerGroupServiceGrpc.getServiceDescriptor(),
            ServerServiceGrpc.getServiceDescriptor(), HostServiceGrpc.getServiceDescriptor(),
            FlavorServiceGrpc.getServiceDescriptor(), AgentRegistryGrpc.getServiceDescriptor());

    private static final Logger LOG = LoggerFactory.getLogger(ControllerTerms.class);

    private record Term(long epoch, ControllerCore core, ServerApi serverApi) {
    }

    private final ControllerConfig config;
    private final Store store;
    private final GrpcAgentPort agents;
    private final Clock clock;
    private final ControllerMetrics metrics;
    private final TermServices services = new TermServices(SERVICES);
    private HealthStatusManager health;
    /** Where a heartbeat that must be handled whole runs: the server's call pool (heartbeats start inline). */
    private Executor calls = Runnable::run;
    private LeaderElection election;
    private volatile Term current;
    /** Whether this standby has loaded the store once (see {@link #rehearse}); the terms' thread only. */
    private boolean rehearsed;

    /** @param registry where the terms' metrics are registered ({@link ControllerMetrics}) */
    ControllerTerms(ControllerConfig config, Store store, GrpcAgentPort agents, Clock clock,
                    PrometheusRegistry registry) {
        this.config = config;
        this.store = store;
        this.agents = agents;
        this.clock = clock;
        // read at each scrape, long after the start
        this.metrics = new ControllerMetrics(registry, this::core);
    }

    TermServices services() {
        return services;
    }

    @Override
    public Optional<ControllerCore> core() {
        Term t = current;
        return t == null ? Optional.empty() : Optional.of(t.core());
    }

    @Override
    public String whyNone() {
        String why = services.refusal();
        return why.isEmpty() ? "this controller is between terms; retry in a moment" : why;
    }

    /**
     * Where health is reported, where heartbeats hand off what may block ({@code GrpcServer#calls}),
     * and the election whose terms these are (null on SQLite).
     */
    void attach(HealthStatusManager health, Executor calls, LeaderElection election) {
        this.health = health;
        this.calls = calls;
        this.election = election;
        setHealth(false, false);
    }

    /** Loads the store and serves: throws if it cannot, which fails the start on SQLite. */
    @Override
    public void elected(long epoch) {
        services.refuse("this controller is taking over as leader (term " + epoch + ") and loading its state",
                Optional.empty());
        ControllerCore core;
        try {
            Store termStore = store instanceof PostgresStore pg ? pg.term(epoch) : store;
            core = ControllerCore.start(termStore, new PlacementEngine(config.weighing()),
                    epoch == 0 ? agents : agents.forTerm(epoch), clock, settings(), metrics);
        } catch (RuntimeException e) {
            if (election == null) {
                throw e;
            }
            LOG.error("cannot start term {}: {}", epoch, e.getMessage());
            election.termEnded(epoch, "its state could not be loaded (" + e.getMessage() + ")");
            return;
        }
        if (election != null) {
            core.onTermEnded(why -> election.termEnded(epoch, why));
        }
        ControllerConfig.Limits limits = config.limits();
        ServerApi serverApi = new ServerApi(core.servers(), core.migrations(), core.flavors());
        current = new Term(epoch, core, serverApi);
        services.serve(List.of(new ServerGroupApi(core.groups()), serverApi, new HostApi(core.hosts(),
                core.migrations()), new FlavorApi(core.flavors()), new AgentRegistryApi(core.hosts(),
                limits.maxDomainsPerHeartbeat(), limits.heartbeatsPerSecond(), limits.maxHosts(), epoch, calls)));
        // while store writes that must land are failing, the controller refuses changes: say so
        core.onStoreHealthChange(storeHealth(epoch));
        if (epoch != 0) {
            LOG.info("serving as leader of term {}", epoch);
        }
    }

    private CoreSettings settings() {
        return new CoreSettings(config.heartbeatInterval(), config.maxGroups(), config.maxMembersPerGroup(),
                config.launchRetries(), config.gracePeriod(), config.defaultOnHostFailure(),
                config.launchParallelism(), config.perHostParallelism())
                .withHostRules(config.requireApproval(), config.limits().maxHosts());
    }

    private BiConsumer<Boolean, String> storeHealth(long epoch) {
        return (healthy, why) -> {
            Term t = current;
            if (t != null && t.epoch() == epoch) {
                setHealth(true, healthy);
            }
        };
    }

    @Override
    public void deposed(long epoch, String why) {
        Term t = current;
        if (t == null || t.epoch() != epoch) {
            return;
        }
        services.refuse("this controller stopped leading (" + why + ")", Optional.empty());
        current = null;
        setHealth(false, false);
        t.serverApi().endWatches();
        t.core().close();
        LOG.info("term {} ended", epoch);
    }

    @Override
    public void standby(LeaderLease.Holder holder) {
        if (current != null) {
            return;
        }
        if (!rehearsed) {
            rehearsed = true;
            Thread rehearsal = new Thread(() -> BackgroundWork.run("the standby's rehearsal", this::rehearse),
                    "standby-rehearsal");
            rehearsal.setDaemon(true);
            rehearsal.start();
        }
        if (holder.live()) {
            services.refuse("this controller is a standby in term " + holder.epoch(), Optional.of(holder.address()));
        } else {
            services.refuse("this controller is a standby and no controller leads right now", Optional.empty());
        }
        setHealth(false, false);
    }

    /**
     * A standby builds a core from the store once, writing nothing and serving nothing, then
     * drops it: its code for loading is then compiled, and the store known to be loadable,
     * before it must take over (which loads again, afresh).
     */
    private void rehearse() {
        long started = System.nanoTime();
        try {
            ControllerCore.start(new ReadOnly(store), new PlacementEngine(config.weighing()), agents, clock,
                    settings()).close();
            LOG.info("standing by with the store loaded once, to be ready to lead ({} ms)",
                    (System.nanoTime() - started) / 1_000_000);
        } catch (StoreException e) {
            LOG.warn("standing by without having loaded the store (it is loaded when this controller leads): {}",
                    e.getMessage());
        }
    }

    /** The store read, not written: a rehearsal's repairs go nowhere. */
    private record ReadOnly(Store store) implements Store {
        @Override
        public List<io.herd.controller.model.GroupRecord> loadGroups() {
            return store.loadGroups();
        }

        @Override
        public List<io.herd.controller.model.HostRecord> loadHosts() {
            return store.loadHosts();
        }

        @Override
        public List<io.herd.controller.model.ServerRecord> loadServers() {
            return store.loadServers();
        }

        @Override
        public List<io.herd.controller.model.FlavorRecord> loadFlavors() {
            return store.loadFlavors();
        }

        @Override
        public java.util.Map<String, List<String>> loadRequests() {
            return store.loadRequests();
        }

        @Override
        public java.util.Map<String, List<io.herd.controller.model.HistoryEntry>> loadHistory() {
            return store.loadHistory();
        }

        @Override
        public void apply(List<io.herd.controller.store.Mutation> batch) {
        }

        @Override
        public void close() {
        }
    }

    /** Marks hosts that stopped heartbeating DOWN, if this controller leads. */
    void checkLiveness() {
        Term t = current;
        if (t != null) {
            t.core().hosts().checkLiveness();
        }
    }

    /**
     * SERVING only while leading with a healthy store; the agents' registry keeps serving
     * heartbeats while the store fails (they are how its repair is learnt).
     */
    private void setHealth(boolean leading, boolean storeHealthy) {
        if (health == null) {
            return;
        }
        ServingStatus status = leading && storeHealthy ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus("", status);
        for (io.grpc.ServiceDescriptor s : SERVICES) {
            boolean registry = s.getName().equals(AgentRegistryGrpc.SERVICE_NAME);
            health.setStatus(s.getName(), registry && leading ? ServingStatus.SERVING : status);
        }
    }
}
