package io.herd.runtime.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.herd.runtime.config.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A herd program's gRPC server, started and stopped the same way in each: on a TCP address
 * or a Unix socket, with a bound on request size, health and reflection beside the
 * program's services, every request parsed strictly ({@link StrictRequests}) and the given
 * interceptors (authentication, audit) in front of every service but health and reflection.
 */
public final class GrpcServer implements AutoCloseable {

    /** How long a stop waits for calls in flight before cutting them. */
    private static final long GRACE_SECONDS = 5;

    private final Server server;
    private final HealthStatusManager health;
    private final EventLoopGroup loops;
    private final Path socket;
    /** The calls' own pool ({@link Builder#workStealingCalls}), or null for gRPC's shared one. */
    private final ExecutorService calls;

    private GrpcServer(Server server, HealthStatusManager health, EventLoopGroup loops, Path socket,
                       ExecutorService calls) {
        this.server = server;
        this.health = health;
        this.loops = loops;
        this.socket = socket;
        this.calls = calls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP port bound (the real one when 0 was asked for); -1 on a Unix socket. */
    public int port() {
        return socket == null ? server.getPort() : -1;
    }

    /**
     * Where a call hands off work that may block: the calls' own pool, or, on a server that
     * runs its calls on gRPC's shared pool, the caller's own thread.
     */
    public Executor calls() {
        return calls == null ? Runnable::run : calls;
    }

    /** Inline methods' calls stay on the transport's thread (null: the executor they started on). */
    private record InlineOrPool(Set<String> inline, Executor pool) implements ServerCallExecutorSupplier {
        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
            return inline.contains(call.getMethodDescriptor().getFullMethodName()) ? null : pool;
        }
    }

    /** Health of the whole server ("") and of each service by name. */
    public HealthStatusManager health() {
        return health;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (loops != null) {
            loops.shutdownGracefully(0, GRACE_SECONDS, TimeUnit.SECONDS);
        }
        if (calls != null) {
            calls.shutdown();
        }
        if (socket != null) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // a stale socket is removed at the next start
            }
        }
    }

    /** What the server serves, and where. */
    public static final class Builder {
        private HostPort tcp;
        private Path socket;
        private ServerCredentials credentials = InsecureServerCredentials.create();
        private int maxMessageBytes = 4 * 1024 * 1024;
        private final List<ServerServiceDefinition> services = new ArrayList<>();
        private final List<ServerInterceptor> interceptors = new ArrayList<>();
        private boolean workStealing;
        private final Set<String> inline = new HashSet<>();

        private Builder() {
        }

        /**
         * Runs the calls on a work-stealing pool of the server's own instead of gRPC's shared
         * cached pool. A unary call is handed between threads several times; on the cached pool
         * each hand-off wakes a parked thread, while a work-stealing worker runs a call's next
         * step itself: at thousands of small calls a second (heartbeats) this costs the
         * controller far less CPU. Only for servers whose calls block briefly (a lock) or by
         * waiting on a {@code CompletableFuture}, for which the pool adds threads; a server whose
         * calls block long in other ways (the agent's libvirt calls) keeps the cached pool.
         */
        public Builder workStealingCalls() {
            this.workStealing = true;
            return this;
        }

        /**
         * Runs the calls of this method (its full name, {@code package.Service/Method}) on the
         * transport's threads, with the calls of every other method on the work-stealing pool
         * ({@link #workStealingCalls}, which this needs): a call then costs no hand-off between
         * threads. Only for a method whose calls answer at once, or hand what may block to
         * {@link GrpcServer#calls()}: a call that blocks here stops every connection of its thread.
         */
        public Builder inline(String fullMethodName) {
            inline.add(fullMethodName);
            return this;
        }

        public Builder tcp(HostPort address) {
            this.tcp = address;
            return this;
        }

        /** A Unix socket only its owner may connect to (mode 0600); plaintext. */
        public Builder unixSocket(Path path) {
            this.socket = path.toAbsolutePath().normalize();
            return this;
        }

        public Builder credentials(ServerCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        public Builder service(BindableService service) {
            services.add(service.bindService());
            return this;
        }

        public Builder service(ServerServiceDefinition service) {
            services.add(service);
            return this;
        }

        /** Runs in front of every service added; the first added runs first. */
        public Builder interceptor(ServerInterceptor interceptor) {
            interceptors.add(interceptor);
            return this;
        }

        public GrpcServer start() throws IOException {
            if ((tcp == null) == (socket == null)) {
                throw new IllegalStateException("a server listens on a TCP address or a Unix socket");
            }
            HealthStatusManager health = new HealthStatusManager();
            NettyServerBuilder b;
            EventLoopGroup loops = null;
            if (socket != null) {
                removeStaleSocket(socket);
                loops = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                        EpollIoHandler.newFactory());
                b = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()),
                                InsecureServerCredentials.create())
                        .channelType(EpollServerDomainSocketChannel.class)
                        .bossEventLoopGroup(loops)
                        .workerEventLoopGroup(loops);
            } else {
                b = NettyServerBuilder.forAddress(new InetSocketAddress(tcp.host(), tcp.port()), credentials);
            }
            ForkJoinPool calls = null;
            if (workStealing) {
                // the pool gives a worker its index only once it runs: numbered here, every thread is told apart
                AtomicInteger workers = new AtomicInteger();
                calls = new ForkJoinPool(Math.max(4, Runtime.getRuntime().availableProcessors()), pool -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("grpc-call-" + workers.getAndIncrement());
                    return t;
                }, null, true);
                if (inline.isEmpty()) {
                    b.executor(calls);
                } else {
                    // every call starts on the transport's thread, and all but the inline ones move to the pool
                    b.directExecutor().callExecutor(new InlineOrPool(Set.copyOf(inline), calls));
                }
            } else if (!inline.isEmpty()) {
                throw new IllegalStateException("inline methods need the work-stealing pool for the others");
            }
            b.maxInboundMessageSize(maxMessageBytes)
                    .maxInboundMetadataSize(16 * 1024)
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .addService(legacyReflection())
                    .addService(health.getHealthService());
            for (ServerServiceDefinition s : services) {
                b.addService(StrictRequests.wrap(s, interceptors));
            }
            Server server;
            try {
                server = b.build().start();
            } catch (IOException | RuntimeException e) {
                if (loops != null) {
                    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
                if (calls != null) {
                    calls.shutdownNow();
                }
                throw e;
            }
            if (socket != null) {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            }
            return new GrpcServer(server, health, loops, socket, calls);
        }

        /**
         * A socket left by a program that was killed is removed; one that a running program
         * still answers on is not (two agents must not share it).
         */
        private static void removeStaleSocket(Path path) throws IOException {
            if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            boolean answered;
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(path));
                answered = true;
            } catch (IOException e) {
                answered = false;
            }
            if (answered) {
                throw new IOException(path + " is in use by another running program");
            }
            Files.delete(path);
        }

        /**
         * grpc.reflection.v1alpha, which grpcurl before 1.9 and many other tools still ask
         * for; grpc-java deprecates it in favour of v1 (served too).
         */
        @SuppressWarnings("deprecation")
        private static io.grpc.BindableService legacyReflection() {
            return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
        }
    }
}
