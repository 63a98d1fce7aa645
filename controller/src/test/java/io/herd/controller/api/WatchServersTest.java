package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchServersTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir);
        h.heartbeat("h1");
        h.heartbeat("h2");
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void streamsTheSnapshotThenEveryChangeOfTheWatchedGroup() {
        ServerGroup g = h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        ServerGroup other = h.group("other", Policy.SOFT_AFFINITY, Scope.HOST, 0);
        Server before = h.create("before", g.getId(), 1).getServers(0);
        await().until(() -> h.state(before.getId()) == ServerState.SERVER_STATE_ACTIVE);

        List<ServerEvent> events = new CopyOnWriteArrayList<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        watch.run(() -> h.serversAsync.watchServers(WatchServersRequest.newBuilder().setGroupId("web").build(),
                Harness.collector(events, new AtomicReference<>())));
        await().until(() -> events.size() == 1);
        assertThat(events.get(0).getKind()).isEqualTo(ServerEvent.Kind.KIND_SNAPSHOT);
        assertThat(events.get(0).getServer().getId()).isEqualTo(before.getId());

        Server after = h.create("after", g.getId(), 1).getServers(0);
        h.create("elsewhere", other.getId(), 1);
        await().until(() -> events.stream().anyMatch(e -> e.getServer().getId().equals(after.getId())
                && e.getServer().getState() == ServerState.SERVER_STATE_ACTIVE));
        h.servers.deleteServer(DeleteServerRequest.newBuilder().setId(before.getId()).build());
        await().until(() -> events.stream().anyMatch(e -> e.getKind() == ServerEvent.Kind.KIND_DELETED));

        assertThat(events).allSatisfy(e -> assertThat(e.getServer().getGroupId()).isEqualTo(g.getId()));
        assertThat(events.stream().filter(e -> e.getServer().getId().equals(after.getId()))
                .map(e -> e.getServer().getState()).toList())
                .containsExactly(ServerState.SERVER_STATE_BUILDING, ServerState.SERVER_STATE_ACTIVE);
        assertThat(events.stream().filter(e -> e.getServer().getId().equals(before.getId()))
                .map(ServerEvent::getKind).toList())
                .containsExactly(ServerEvent.Kind.KIND_SNAPSHOT, ServerEvent.Kind.KIND_CHANGED,
                        ServerEvent.Kind.KIND_DELETED);
        watch.cancel(null);
    }

    @Test
    void watchesChosenServerIdsAndRefusesBadFilters() {
        Server a = h.create("a", "", 1).getServers(0);
        Server b = h.create("b", "", 1).getServers(0);
        List<ServerEvent> events = new CopyOnWriteArrayList<>();
        Context.CancellableContext watch = Context.current().withCancellation();
        watch.run(() -> h.serversAsync.watchServers(WatchServersRequest.newBuilder().addServerIds(b.getId()).build(),
                Harness.collector(events, new AtomicReference<>())));
        await().until(() -> events.stream().anyMatch(e -> e.getServer().getState() == ServerState.SERVER_STATE_ACTIVE));
        assertThat(events).allSatisfy(e -> assertThat(e.getServer().getId()).isEqualTo(b.getId()));
        assertThat(a.getId()).isNotEqualTo(b.getId());
        watch.cancel(null);

        AtomicReference<Throwable> error = new AtomicReference<>();
        h.serversAsync.watchServers(WatchServersRequest.newBuilder().setGroupId("nope").build(),
                Harness.collector(new CopyOnWriteArrayList<>(), error));
        await().until(() -> error.get() != null);
        assertThat(Status.fromThrowable(error.get()).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        error.set(null);
        h.serversAsync.watchServers(WatchServersRequest.newBuilder().addServerIds("").build(),
                Harness.collector(new CopyOnWriteArrayList<>(), error));
        await().until(() -> error.get() != null);
        assertThat(error.get()).isInstanceOf(StatusRuntimeException.class);
        assertThat(Status.fromThrowable(error.get()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Status.fromThrowable(error.get()).getDescription()).contains("server_ids[0]");
    }

    @Test
    void aWatcherThatStopsReadingIsEndedInsteadOfBufferedWithoutBound() throws Exception {
        ServerGroup g = h.group("web", Policy.SOFT_AFFINITY, Scope.HOST, 0);
        String name = "slow-watch-" + UUID.randomUUID();
        io.grpc.Server server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new ServerApi(h.core.servers(), h.core.migrations(), h.core.flavors(), 3)).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            List<ServerEvent> events = new CopyOnWriteArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicReference<ClientCallStreamObserver<WatchServersRequest>> call = new AtomicReference<>();
            ServerServiceGrpc.newStub(channel).watchServers(WatchServersRequest.newBuilder().setGroupId("web").build(),
                    new ClientResponseObserver<WatchServersRequest, ServerEvent>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchServersRequest> requestStream) {
                            requestStream.disableAutoRequestWithInitial(0); // a client that never reads
                            call.set(requestStream);
                        }

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
                    });
            // each server is one change in BUILDING and one in ACTIVE: far more than 3 unread
            for (int i = 0; i < 4; i++) {
                Server s = h.create("s" + i, g.getId(), 1).getServers(0);
                await().until(() -> h.state(s.getId()) == ServerState.SERVER_STATE_ACTIVE);
            }
            assertThat(events).isEmpty();
            call.get().request(100);
            await().until(() -> error.get() != null);

            assertThat(Status.fromThrowable(error.get()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Status.fromThrowable(error.get()).getDescription()).contains("watch again");
            assertThat(events).hasSize(3);
            // the watch is gone: later changes are not sent to it
            h.create("later", g.getId(), 1);
            assertThat(events).hasSize(3);
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
