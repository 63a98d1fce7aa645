package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.ListServersResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import io.herd.controller.core.ControllerException;
import io.herd.controller.core.CreateServers;
import io.herd.controller.core.ServerChange;
import io.herd.controller.core.ServerManager;
import io.herd.controller.model.ServerStatus;
import java.util.List;

/** herd.v1.ServerService. */
public final class ServerApi extends ServerServiceGrpc.ServerServiceImplBase {

    /**
     * Changes a watcher may fall behind (sent while its stream is not ready) before the watch is
     * ended: a client that stops reading must not make the controller buffer without bound.
     */
    static final int DEFAULT_MAX_WATCH_BACKLOG = 10_000;

    private final ServerManager servers;
    private final int maxWatchBacklog;

    public ServerApi(ServerManager servers) {
        this(servers, DEFAULT_MAX_WATCH_BACKLOG);
    }

    ServerApi(ServerManager servers, int maxWatchBacklog) {
        this.servers = servers;
        this.maxWatchBacklog = maxWatchBacklog;
    }

    @Override
    public void createServers(CreateServersRequest req, StreamObserver<CreateServersResponse> out) {
        Calls.unary(out, () -> {
            CreateServers create = validate(req);
            ServerManager.Created created = servers.create(create);
            return CreateServersResponse.newBuilder()
                    .addAllServers(created.servers().stream().map(ProtoMapper::server).toList())
                    .setReplayed(created.replayed())
                    .build();
        });
    }

    @Override
    public void getServer(GetServerRequest req, StreamObserver<Server> out) {
        Calls.unary(out, () -> ProtoMapper.server(servers.get(Fields.name("id", req.getId()))));
    }

    @Override
    public void listServers(ListServersRequest req, StreamObserver<ListServersResponse> out) {
        Calls.unary(out, () -> {
            String group = Fields.optional("group_id", req.getGroupId());
            String host = Fields.optional("host", req.getHost());
            ServerStatus status = null;
            if (req.getStateValue() != ServerState.SERVER_STATE_UNSPECIFIED_VALUE) {
                ServerState state = ServerState.forNumber(req.getStateValue());
                if (state == null || ProtoMapper.status(state) == null) {
                    throw Fields.invalid("state", "unknown or unsupported value " + req.getStateValue()
                            + "; use BUILDING, ACTIVE, ERROR, DELETING or UNKNOWN");
                }
                status = ProtoMapper.status(state);
            }
            return ListServersResponse.newBuilder()
                    .addAllServers(servers.list(group, host, status).stream().map(ProtoMapper::server).toList())
                    .build();
        });
    }

    @Override
    public void deleteServer(DeleteServerRequest req, StreamObserver<Server> out) {
        Calls.unary(out, () -> ProtoMapper.server(servers.delete(Fields.name("id", req.getId()), req.getForce())));
    }

    @Override
    public void watchServers(WatchServersRequest req, StreamObserver<ServerEvent> out) {
        ServerCallStreamObserver<ServerEvent> stream = (ServerCallStreamObserver<ServerEvent>) out;
        try {
            String group = Fields.optional("group_id", req.getGroupId());
            for (int i = 0; i < req.getServerIdsCount(); i++) {
                Fields.name("server_ids[" + i + "]", req.getServerIds(i));
            }
            List<String> ids = List.copyOf(req.getServerIdsList());
            WatchStream watch = new WatchStream(stream, maxWatchBacklog);
            Runnable cancel = servers.watch(group, ids, watch::send);
            stream.setOnCancelHandler(cancel);
            if (stream.isCancelled()) {
                cancel.run();
            }
        } catch (ControllerException e) {
            out.onError(Calls.status(e).asRuntimeException());
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        }
    }

    /** One watcher's stream: sends in order, and ends a watch that has fallen too far behind. */
    private static final class WatchStream {
        private final ServerCallStreamObserver<ServerEvent> stream;
        private final int maxBacklog;
        private int backlog;

        WatchStream(ServerCallStreamObserver<ServerEvent> stream, int maxBacklog) {
            this.stream = stream;
            this.maxBacklog = maxBacklog;
        }

        /** Throws when the watch is over, which unsubscribes it. */
        synchronized void send(ServerChange change) {
            if (stream.isCancelled()) {
                throw Status.CANCELLED.asRuntimeException();
            }
            backlog = stream.isReady() ? 0 : backlog + 1;
            if (backlog > maxBacklog) {
                stream.onError(Status.RESOURCE_EXHAUSTED.withDescription("this watch fell more than " + maxBacklog
                        + " changes behind and was ended; watch again to get a fresh snapshot").asRuntimeException());
                throw Status.CANCELLED.asRuntimeException();
            }
            ServerEvent.Kind kind = switch (change.kind()) {
                case SNAPSHOT -> ServerEvent.Kind.KIND_SNAPSHOT;
                case CHANGED -> ServerEvent.Kind.KIND_CHANGED;
                case DELETED -> ServerEvent.Kind.KIND_DELETED;
            };
            stream.onNext(ServerEvent.newBuilder().setKind(kind).setServer(ProtoMapper.server(change.server())).build());
        }
    }

    private static CreateServers validate(CreateServersRequest req) {
        String name = Fields.name("name", req.getName());
        long count = Fields.unsigned(req.getCount());
        count = count == 0 ? 1 : Fields.range("count", count, 1, Fields.MAX_COUNT, "");
        if (count > 1) {
            Fields.name("name", name + "-" + count);
        }
        long vcpus = Fields.range("vcpus", Fields.unsigned(req.getVcpus()), 1, Fields.MAX_VCPUS, "");
        long memory = req.getMemoryMib();
        if (memory < Fields.MIN_MEMORY_MIB || memory > Fields.MAX_MEMORY_MIB) {
            throw Fields.invalid("memory_mib", "must be between " + Fields.MIN_MEMORY_MIB + " and "
                    + Fields.MAX_MEMORY_MIB + " MiB, was " + Long.toUnsignedString(memory));
        }
        String image = Fields.imageName("image", req.getImage());
        long disk = req.getDiskGib();
        if (disk < 0 || disk > Fields.MAX_DISK_GIB) {
            throw Fields.invalid("disk_gib", "must be between 0 and " + Fields.MAX_DISK_GIB + " GiB, was "
                    + Long.toUnsignedString(disk));
        }
        if (image.isEmpty() && disk != 0) {
            throw Fields.invalid("disk_gib", "must be 0 for a diskless server (image is empty), was " + disk);
        }
        if (!image.isEmpty() && disk == 0) {
            throw Fields.invalid("disk_gib", "must be at least 1 GiB when an image is given (0 only for a "
                    + "diskless server with an empty image)");
        }
        String group = Fields.optional("group_id", req.getGroupId());
        String requestId = Fields.optional("request_id", req.getRequestId());
        String network = Fields.optional("network", req.getNetwork());
        return new CreateServers(name, (int) vcpus, memory, disk, image, network, group, (int) count, requestId);
    }
}
