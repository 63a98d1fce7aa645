package io.herd.controller.api;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.Labels;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.CoreMetrics;
import io.herd.controller.core.CoreSettings;
import io.herd.controller.core.FakeAgents;
import io.herd.controller.core.FakeClock;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreKind;
import io.herd.controller.store.TestStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A controller in-process: real core, real store (SQLite in a temp dir, or with
 * {@code -Dherd.test.store=postgresql} a PostgreSQL database of this harness's own, kept across
 * {@link #restart} and dropped at {@link #close}: see {@link StoreKind}), real placement engine,
 * hand-written fake agents and a fake clock; the gRPC services on an in-process server, and
 * blocking stubs to call them.
 */
final class Harness implements AutoCloseable {

    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** The base image {@link #request} boots from. */
    static final String IMAGE = "base.qcow2";
    /** The base images every fake host offers: {@link #IMAGE}, and the one docs/grpcurl.md boots. */
    static final List<String> IMAGES = List.of(IMAGE, "debian-12.qcow2");

    private final TestStore data;
    final CoreSettings settings;
    final FakeAgents agents;
    final FakeClock clock;
    private final CoreMetrics metrics;
    ControllerCore core;
    private Store store;
    private Server server;
    private ManagedChannel channel;
    ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups;
    FlavorServiceGrpc.FlavorServiceBlockingStub flavors;
    ServerServiceGrpc.ServerServiceBlockingStub servers;
    ServerServiceGrpc.ServerServiceStub serversAsync;
    HostServiceGrpc.HostServiceBlockingStub hosts;
    AgentRegistryGrpc.AgentRegistryBlockingStub registry;

    Harness(Path dir) throws IOException {
        this(dir, new CoreSettings(HEARTBEAT, 0, 0, 2, Duration.ofSeconds(60), HostFailurePolicy.NONE, 4, 4));
    }

    Harness(Path dir, CoreSettings settings) throws IOException {
        this(dir, settings, CoreMetrics.NONE);
    }

    /** A harness whose core tells {@code metrics} its work. */
    Harness(Path dir, CoreSettings settings, CoreMetrics metrics) throws IOException {
        this.metrics = metrics;
        this.data = StoreKind.fromSystemProperty().create(dir);
        this.settings = settings;
        this.agents = new FakeAgents();
        this.clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        start();
    }

    private void start() throws IOException {
        store = data.open();
        core = ControllerCore.start(store, new PlacementEngine(Weighing.SPREAD), agents, clock, settings, metrics);
        String name = "controller-" + UUID.randomUUID();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        services(core).forEach(builder::addService);
        server = builder.build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        groups = ServerGroupServiceGrpc.newBlockingStub(channel);
        flavors = FlavorServiceGrpc.newBlockingStub(channel);
        servers = ServerServiceGrpc.newBlockingStub(channel);
        serversAsync = ServerServiceGrpc.newStub(channel);
        hosts = HostServiceGrpc.newBlockingStub(channel);
        registry = AgentRegistryGrpc.newBlockingStub(channel);
    }

    /** The controller's public and agent-facing services over {@code core}, as the real server binds them. */
    static List<io.grpc.BindableService> services(ControllerCore core) {
        return List.of(new ServerGroupApi(core.groups()),
                new ServerApi(core.servers(), core.migrations(), core.flavors()),
                new HostApi(core.hosts(), core.migrations()), new FlavorApi(core.flavors()),
                // tests heartbeat as fast as they like
                new AgentRegistryApi(core.hosts(), 10_000, 1_000_000, 100_000));
    }

    io.grpc.Channel channel() {
        return channel;
    }

    /** Stops everything but the fake agents and the clock, and starts again on the same database. */
    void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    static String address(String hostId) {
        return hostId + ".test:7701";
    }

    /** A heartbeat of host {@code id} listing the domains the fake agent runs there, all running. */
    HeartbeatResponse heartbeat(String id, String rack, String zone, int cpus, long memoryMib, long diskGib) {
        return registry.heartbeat(report(id, rack, zone, cpus, memoryMib, diskGib).build());
    }

    /** The heartbeat {@link #heartbeat} sends, to change before sending. */
    HeartbeatRequest.Builder report(String id, String rack, String zone, int cpus, long memoryMib, long diskGib) {
        HeartbeatRequest.Builder b = HeartbeatRequest.newBuilder()
                .setHostId(id)
                .setHostName(id)
                .setAgentAddress(address(id))
                .setLabels(Labels.newBuilder().setRack(rack).setZone(zone))
                .setCapacity(HostCapacity.newBuilder().setCpus(cpus).setMemoryMib(memoryMib).setDiskFreeGib(diskGib)
                        .setDiskTotalGib(diskGib).setCpuAllocationRatio(1.0).setRamAllocationRatio(1.0))
                .addAllImages(IMAGES);
        Set<String> running = agents.on(address(id));
        for (String serverId : running) {
            b.addServers(AgentServer.newBuilder().setServerId(serverId).setState(ServerState.SERVER_STATE_ACTIVE)
                    .setLibvirtState("running"));
        }
        return b;
    }

    HeartbeatRequest.Builder report(String id) {
        return report(id, "", "", 16, 65_536, 1_000);
    }

    /** What an agent says while libvirtd is unreachable and it never reached it: no domains, no capacity. */
    HeartbeatResponse degradedHeartbeat(String id) {
        return registry.heartbeat(HeartbeatRequest.newBuilder().setHostId(id).setHostName(id)
                .setAgentAddress(address(id)).setCapacity(HostCapacity.getDefaultInstance()).setDegraded(true)
                .setDegradedReason("cannot connect to qemu:///system: Failed to connect socket").build());
    }

    HeartbeatResponse heartbeat(String id) {
        return heartbeat(id, "", "", 16, 65_536, 1_000);
    }

    /**
     * Lets {@code time} pass while only the {@code alive} hosts heartbeat (each once at the
     * end), then runs the controller's liveness check: the others go DOWN once silent for 3
     * intervals, and are evacuated once their grace period is over.
     */
    void pass(Duration time, String... alive) {
        clock.advance(time);
        for (String host : alive) {
            heartbeat(host);
        }
        core.hosts().checkLiveness();
    }

    io.herd.api.v1.Host host(String id) {
        return hosts.getHost(io.herd.api.v1.GetHostRequest.newBuilder().setId(id).build());
    }

    /** Waits until the server is ACTIVE; then the server as it is. */
    io.herd.api.v1.Server active(io.herd.api.v1.Server s) {
        org.awaitility.Awaitility.await().until(() -> state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
        return server(s.getId());
    }

    io.herd.api.v1.Server server(String id) {
        return servers.getServer(GetServerRequest.newBuilder().setId(id).build());
    }

    ServerGroup groupNamed(String idOrName) {
        return groups.getServerGroup(io.herd.api.v1.GetServerGroupRequest.newBuilder().setId(idOrName).build());
    }

    /** Creates a group that evacuates its members when their host fails. */
    ServerGroup evacuatingGroup(String name, Policy policy, Scope scope, int maxPerDomain) {
        return groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName(name).setPolicy(policy)
                .setScope(scope).setMaxPerDomain(maxPerDomain)
                .setOnHostFailure(io.herd.api.v1.OnHostFailure.ON_HOST_FAILURE_EVACUATE).build());
    }

    ServerGroup group(String name, Policy policy, Scope scope, int maxPerDomain) {
        return groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName(name).setPolicy(policy)
                .setScope(scope).setMaxPerDomain(maxPerDomain).build());
    }

    static CreateServersRequest.Builder request(String name, String group) {
        return CreateServersRequest.newBuilder().setName(name).setVcpus(1).setMemoryMib(512).setDiskGib(1)
                .setImage(IMAGE).setGroupId(group);
    }

    CreateServersResponse create(String name, String group, int count) {
        return servers.createServers(request(name, group).setCount(count).build());
    }

    ServerState state(String serverId) {
        return servers.getServer(GetServerRequest.newBuilder().setId(serverId).build()).getState();
    }

    private void stop() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        channel.awaitTermination(5, TimeUnit.SECONDS);
        core.close();
        store.close();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the harness", e);
        } finally {
            data.close();
        }
    }

    /** A watcher that keeps every event it receives, and the error that ends its stream. */
    static StreamObserver<ServerEvent> collector(List<ServerEvent> events, AtomicReference<Throwable> error) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ServerEvent value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
