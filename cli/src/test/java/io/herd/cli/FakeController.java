package io.herd.cli;

import io.grpc.InsecureServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the controller's ServerService, kept for the one thing the real controller
 * does not do on demand: end a WatchServers stream (complete it) before the servers watched
 * have settled. The real controller keeps a watch open until its client lets go, so herdctl's
 * way of opening the watch again ({@link ServerWaiter#MAX_REOPENS}) can only be driven by a
 * controller that does end it. Every other herdctl test runs against the real controller
 * ({@link RealCluster}).
 *
 * <p>What it answers, it answers as the real controller does: CreateServers places every
 * server BUILDING on host hv-1, named NAME or NAME-1 … NAME-N; a watch starts with a
 * KIND_SNAPSHOT of each server watched. Here the watch then ends, and the launches finish
 * between one watch and the next (unless {@link #launchesFinish} is false), so the next watch's
 * snapshot shows the servers ACTIVE. It implements nothing else (UNIMPLEMENTED).
 */
final class FakeController implements AutoCloseable {
  private static final String HV_1_ID = "7d3f52b4-2c1e-4f0a-9a57-3e1b8c6d0f11";

  /** Whether a server is ACTIVE by the next watch; false: BUILDING for ever. */
  volatile boolean launchesFinish = true;

  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final AtomicInteger watches = new AtomicInteger();
  private final io.grpc.Server grpc;

  FakeController() throws IOException {
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(new Servers())
        .build()
        .start();
  }

  /** Where it listens, as herdctl's --controller takes it. */
  String address() {
    return "127.0.0.1:" + grpc.getPort();
  }

  /** How many WatchServers calls it received. */
  int watchesOpened() {
    return watches.get();
  }

  private final class Servers extends ServerServiceGrpc.ServerServiceImplBase {
    @Override
    public void createServers(CreateServersRequest request, StreamObserver<CreateServersResponse> response) {
      CreateServersResponse.Builder created = CreateServersResponse.newBuilder();
      int count = Math.max(1, request.getCount());
      synchronized (servers) {
        for (int i = 1; i <= count; i++) {
          Server server =
              Server.newBuilder()
                  .setId(UUID.randomUUID().toString())
                  .setName(count == 1 ? request.getName() : request.getName() + "-" + i)
                  .setHostId(HV_1_ID)
                  .setHostName("hv-1")
                  .setState(ServerState.SERVER_STATE_BUILDING)
                  .setVcpus(request.getVcpus())
                  .setMemoryMib(request.getMemoryMib())
                  .build();
          servers.put(server.getId(), server);
          created.addServers(server);
        }
      }
      response.onNext(created.build());
      response.onCompleted();
    }

    @Override
    public void watchServers(WatchServersRequest request, StreamObserver<ServerEvent> response) {
      watches.incrementAndGet();
      synchronized (servers) {
        for (Server server : servers.values()) {
          if (request.getServerIdsList().isEmpty() || request.getServerIdsList().contains(server.getId())) {
            response.onNext(ServerEvent.newBuilder().setKind(ServerEvent.Kind.KIND_SNAPSHOT).setServer(server).build());
          }
        }
        if (launchesFinish) {
          servers.replaceAll((id, server) -> server.toBuilder().setState(ServerState.SERVER_STATE_ACTIVE).build());
        }
      }
      response.onCompleted();
    }
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
