package io.herd.controller.agents;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.common.BackgroundWork;
import io.herd.controller.core.AgentPort;
import io.herd.runtime.grpc.Leadership;
import io.herd.runtime.tls.Role;
import io.herd.runtime.tls.TlsFiles;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls agents over gRPC, one channel per agent address. With TLS files configured the
 * calls use mutual TLS: the controller's certificate as client certificate, the CA to check
 * the agent's, which must be an agent certificate valid for the address dialled. Without
 * TLS, agents on this machine are reached on their Unix sockets ({@code unix:///…}).
 *
 * <p>Connections asked for ahead of calls ({@link #connect}) are opened by one thread, at most
 * one every {@link #CONNECT_SPACING}: a fleet that registers at once (a controller starting or
 * taking over) is not dialled at once, at the expense of its heartbeats.
 */
public final class GrpcAgentPort implements AgentPort, AutoCloseable {

    private final ChannelCredentials credentials;
    private final Duration launchTimeout;
    private final Duration deleteTimeout;
    static final Duration CONNECT_SPACING = Duration.ofMillis(2);

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Addresses waiting for {@link #connector}. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService connector = BackgroundWork.thread("agent-connect");

    public GrpcAgentPort(Optional<TlsFiles> tls, Duration launchTimeout, Duration deleteTimeout) {
        this.credentials = tls.map(t -> t.channelCredentials(Role.AGENT))
                .orElseGet(InsecureChannelCredentials::create);
        this.launchTimeout = launchTimeout;
        this.deleteTimeout = deleteTimeout;
    }

    @Override
    public void launch(String agentAddress, LaunchOrder order) throws AgentException {
        launch(agentAddress, order, stub(agentAddress, 0));
    }

    @Override
    public void delete(String agentAddress, String serverId) throws AgentException {
        delete(agentAddress, serverId, stub(agentAddress, 0));
    }

    @Override
    public void connect(String agentAddress) {
        if (agentAddress.isEmpty() || channels.containsKey(agentAddress) || !queued.add(agentAddress)) {
            return;
        }
        try {
            connector.execute(() -> {
                queued.remove(agentAddress);
                BackgroundWork.run("opening a connection to the agent at " + agentAddress,
                        () -> channel(agentAddress).getState(true));
                LockSupport.parkNanos(CONNECT_SPACING.toNanos());
            });
        } catch (RejectedExecutionException e) {
            queued.remove(agentAddress); // closing: no connection is opened any more
        }
    }

    /**
     * The calls of the leader of term {@code epoch}: each carries the epoch ({@link Leadership#EPOCH}),
     * and an agent that has heard of a later term refuses it.
     */
    public AgentPort forTerm(long epoch) {
        return new AgentPort() {
            @Override
            public void launch(String agentAddress, LaunchOrder order) throws AgentException {
                GrpcAgentPort.this.launch(agentAddress, order, stub(agentAddress, epoch));
            }

            @Override
            public void delete(String agentAddress, String serverId) throws AgentException {
                GrpcAgentPort.this.delete(agentAddress, serverId, stub(agentAddress, epoch));
            }

            @Override
            public void connect(String agentAddress) {
                GrpcAgentPort.this.connect(agentAddress);
            }
        };
    }

    private AgentServiceGrpc.AgentServiceBlockingStub stub(String agentAddress, long epoch) {
        AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel(agentAddress));
        if (epoch == 0) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Leadership.EPOCH, Long.toString(epoch));
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private void launch(String agentAddress, LaunchOrder order, AgentServiceGrpc.AgentServiceBlockingStub stub)
            throws AgentException {
        LaunchServerRequest req = LaunchServerRequest.newBuilder()
                .setServerId(order.serverId())
                .setName(order.name())
                .setVcpus(order.vcpus())
                .setMemoryMib(order.memoryMib())
                .setDiskGib(order.diskGib())
                .setImage(order.image())
                .setGroupId(order.groupId())
                .setNetwork(order.network())
                .setFence(order.fence())
                .build();
        try {
            stub.withDeadlineAfter(launchTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .launchServer(req);
        } catch (StatusRuntimeException e) {
            throw failure(agentAddress, e);
        }
    }

    private void delete(String agentAddress, String serverId, AgentServiceGrpc.AgentServiceBlockingStub stub)
            throws AgentException {
        try {
            stub.withDeadlineAfter(deleteTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(serverId).build());
        } catch (StatusRuntimeException e) {
            throw failure(agentAddress, e);
        }
    }

    private ManagedChannel channel(String address) {
        // no transparent retries: the launcher has its own (another host), and their buffering costs CPU
        return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, credentials).disableRetry().build());
    }

    private static AgentException failure(String address, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        // unreachable, cut off, or a domain with this id already there (a launch racing
        // another of the same server): a domain may exist, so the launcher cleans up after it
        boolean definite = code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                && code != Status.Code.UNKNOWN && code != Status.Code.CANCELLED
                && code != Status.Code.ALREADY_EXISTS;
        String description = e.getStatus().getDescription();
        return new AgentException(code + (description == null ? "" : ": " + description)
                + (definite ? "" : " (agent at " + address + ")"), definite);
    }

    @Override
    public void close() {
        connector.shutdownNow();
        try {
            connector.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
