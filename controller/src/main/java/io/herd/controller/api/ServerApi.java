package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.ListServersResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchLimits;
import io.herd.common.LaunchRules;
import io.herd.controller.core.ControllerException;
import io.herd.controller.core.CreateServers;
import io.herd.controller.core.FlavorManager;
import io.herd.controller.core.Migrations;
import io.herd.controller.core.ServerChange;
import io.herd.controller.core.ServerManager;
import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.ServerStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** herd.v1.ServerService. */
public final class ServerApi extends ServerServiceGrpc.ServerServiceImplBase {

    /**
     * Changes a watcher may fall behind (sent while its stream is not ready) before the watch is
     * ended: a client that stops reading must not make the controller buffer without bound.
     */
    static final int DEFAULT_MAX_WATCH_BACKLOG = 10_000;

    private final ServerManager servers;
    private final Migrations migrations;
    private final FlavorManager flavors;
    private final int maxWatchBacklog;
    private static final String ENDED = "this controller stopped leading: watch again, on the leader";
    private final Set<WatchStream> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    public ServerApi(ServerManager servers, Migrations migrations, FlavorManager flavors) {
        this(servers, migrations, flavors, DEFAULT_MAX_WATCH_BACKLOG);
    }

    ServerApi(ServerManager servers, Migrations migrations, FlavorManager flavors, int maxWatchBacklog) {
        this.servers = servers;
        this.migrations = migrations;
        this.flavors = flavors;
        this.maxWatchBacklog = maxWatchBacklog;
    }

    @Override
    public void createServers(CreateServersRequest req, StreamObserver<CreateServersResponse> out) {
        // answered once the claims are on disk, by the thread that finishes the create
        Calls.unaryAsync(out, () -> servers.createAsync(validate(req)).thenApply(created ->
                CreateServersResponse.newBuilder()
                        .addAllServers(created.servers().stream().map(ProtoMapper::server).toList())
                        .setReplayed(created.replayed())
                        .build()));
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
    public void deleteServer(DeleteServerRequest req, StreamObserver<DeleteServerResponse> out) {
        Calls.unary(out, () -> {
            ServerManager.Deletion d = servers.delete(Fields.name("id", req.getId()), req.getForce());
            return DeleteServerResponse.newBuilder().setServer(ProtoMapper.server(d.server()))
                    .setDeleted(d.deleted()).build();
        });
    }

    @Override
    public void migrateServer(MigrateServerRequest req, StreamObserver<Server> out) {
        Calls.unary(out, () -> ProtoMapper.server(migrations.migrate(Fields.name("id", req.getId()),
                Fields.optional("to_host", req.getToHost()))));
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
            Runnable unsubscribe = servers.watch(group, ids, watch::send);
            Runnable cancel = () -> {
                unsubscribe.run();
                watches.remove(watch);
            };
            watches.add(watch);
            stream.setOnCancelHandler(cancel);
            if (stream.isCancelled() || ended) {
                cancel.run();
                watch.end(Status.UNAVAILABLE.withDescription(ENDED));
            }
        } catch (ControllerException e) {
            out.onError(Calls.status(e).asRuntimeException());
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        } catch (InvalidFieldException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    /**
     * Ends every watch with UNAVAILABLE: this controller stopped leading, and its watchers must
     * watch again on the leader. Watches that start afterwards end at once.
     */
    public void endWatches() {
        ended = true;
        for (WatchStream w : watches) {
            w.end(Status.UNAVAILABLE.withDescription(ENDED));
        }
        watches.clear();
    }

    /** One watcher's stream: sends in order, and ends a watch that has fallen too far behind. */
    private static final class WatchStream {
        private final ServerCallStreamObserver<ServerEvent> stream;
        private final int maxBacklog;
        private int backlog;
        private boolean over;

        /** Ends the watch with {@code status}; what it is sent afterwards is dropped. */
        synchronized void end(Status status) {
            if (!over) {
                over = true;
                try {
                    stream.onError(status.asRuntimeException());
                } catch (IllegalStateException alreadyClosed) {
                    // the client went away first
                }
            }
        }

        WatchStream(ServerCallStreamObserver<ServerEvent> stream, int maxBacklog) {
            this.stream = stream;
            this.maxBacklog = maxBacklog;
        }

        /** Throws when the watch is over, which unsubscribes it. */
        synchronized void send(ServerChange change) {
            if (over || stream.isCancelled()) {
                throw Status.CANCELLED.asRuntimeException();
            }
            backlog = stream.isReady() ? 0 : backlog + 1;
            if (backlog > maxBacklog) {
                end(Status.RESOURCE_EXHAUSTED.withDescription("this watch fell more than " + maxBacklog
                        + " changes behind and was ended; watch again to get a fresh snapshot"));
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

    /**
     * Every field, with the rules agents check a launch with: nothing is claimed that no agent
     * would take. A flavor's sizes go through the same checks as sizes given as such.
     */
    private CreateServers validate(CreateServersRequest req) {
        return validate(req, flavors);
    }

    /**
     * The checks of {@link #createServers}, for every door that creates servers: the compute API
     * calls it with the sizes of the flavor it resolved.
     */
    public static CreateServers validate(CreateServersRequest req, FlavorManager flavors) {
        String name = Fields.name("name", req.getName());
        long count = Fields.unsigned(req.getCount());
        count = count == 0 ? 1 : Fields.range("count", count, 1, Fields.MAX_COUNT, "");
        if (count > 1) {
            // the longest name given to one of them must be valid too
            LaunchRules.name("name", name + "-" + count);
        }
        String image = LaunchRules.image("image", req.getImage());
        String flavorRef = Fields.optional("flavor", req.getFlavor());
        String group = Fields.optional("group_id", req.getGroupId());
        String requestId = Fields.optional("request_id", req.getRequestId());
        String network = LaunchRules.network("network", req.getNetwork());
        Map<String, String> metadata = ServerMetadata.check("metadata", req.getMetadataMap());
        if (flavorRef.isEmpty()) {
            LaunchRules.size(Fields.unsigned(req.getVcpus()), req.getMemoryMib(), req.getDiskGib(), image,
                    LaunchLimits.API);
            return new CreateServers(name, req.getVcpus(), req.getMemoryMib(), req.getDiskGib(), image, network,
                    group, (int) count, requestId, "", metadata);
        }
        if (req.getVcpus() != 0 || req.getMemoryMib() != 0 || req.getDiskGib() != 0) {
            throw Fields.invalid("flavor", "give either a flavor or vcpus/memory_mib/disk_gib, not both");
        }
        FlavorRecord f = flavors.get(flavorRef);
        try {
            LaunchRules.size(f.vcpus(), f.memoryMib(), f.diskGib(), image, LaunchLimits.API);
        } catch (InvalidFieldException e) {
            throw Fields.invalid("flavor", "the sizes of flavor '" + f.name() + "' do not suit this server: "
                    + e.getMessage());
        }
        return new CreateServers(name, f.vcpus(), f.memoryMib(), f.diskGib(), image, network, group, (int) count,
                requestId, f.name(), metadata);
    }
}
