package io.herd.cli;

import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A stand-in for the controller, kept for what the real controller does not do on demand:
 *
 * <ul>
 *   <li>end a WatchServers stream (complete it) before the servers watched have settled. The
 *       real controller keeps a watch open until its client lets go, so herdctl's way of opening
 *       the watch again ({@link ServerWaiter#MAX_REOPENS}) can only be driven by a controller that
 *       does end it;
 *   <li>show the credentials each call carried ({@link #authorizations()}), and refuse every
 *       call with a chosen status ({@link #refuseWith}: UNAUTHENTICATED, PERMISSION_DENIED);
 *   <li>hold a host that awaits approval, hv-7, and approve it (ApproveHost).
 * </ul>
 *
 * Every other herdctl test runs against the real controller ({@link RealCluster}).
 *
 * <p>What it answers, it answers as the real controller does: CreateServers places every
 * server BUILDING on host hv-1, named NAME or NAME-1 … NAME-N; a watch starts with a
 * KIND_SNAPSHOT of each server watched. Here the watch then ends, and the launches finish
 * between one watch and the next (unless {@link #launchesFinish} is false), so the next watch's
 * snapshot shows the servers ACTIVE. GetHost and ApproveHost know hv-1 (approved) and hv-7
 * (awaiting approval until approved); another name is NOT_FOUND. It implements nothing else
 * (UNIMPLEMENTED).
 */
final class FakeController implements AutoCloseable {
  private static final String HV_1_ID = "7d3f52b4-2c1e-4f0a-9a57-3e1b8c6d0f11";
  private static final String HV_7_ID = "0c6f1e92-5a3b-4d8e-b1f4-92e7a3c5d820";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Whether a server is ACTIVE by the next watch; false: BUILDING for ever. */
  volatile boolean launchesFinish = true;

  /** When set, every call is answered with this status (after its headers are recorded). */
  volatile Status refuseWith;

  /** The trailers of a refusal ({@link #refuseWith}), e.g. a standby's herd-leader. */
  volatile Metadata refusalTrailers = new Metadata();

  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final AtomicInteger watches = new AtomicInteger();
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final io.grpc.Server grpc;

  FakeController() throws IOException {
    Host hv1 = Host.newBuilder().setId(HV_1_ID).setName("hv-1").setUp(true).setSchedulable(true)
        .setApproved(true).build();
    Host hv7 = Host.newBuilder().setId(HV_7_ID).setName("hv-7").setUp(true).setSchedulable(true)
        .setApproved(false).setNotPlaceableReason("awaiting approval: herdctl host approve hv-7").build();
    hosts.put(hv1.getName(), hv1);
    hosts.put(hv7.getName(), hv7);
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(new Servers())
        .addService(new Hosts())
        .intercept(new Gate())
        .build()
        .start();
  }

  /** Where it listens, as herdctl's --controller takes it. */
  String address() {
    return "127.0.0.1:" + grpc.getPort();
  }

  /** The servers it created, in order. */
  List<Server> created() {
    synchronized (servers) {
      return List.copyOf(servers.values());
    }
  }

  /** How many WatchServers calls it received. */
  int watchesOpened() {
    return watches.get();
  }

  /**
   * The {@code authorization} header of every call received so far, in order ("" for a call
   * without one).
   */
  List<String> authorizations() {
    synchronized (authorizations) {
      return List.copyOf(authorizations);
    }
  }

  /** Records each call's authorization header, and refuses the call when told to. */
  private final class Gate implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String authorization = headers.get(AUTHORIZATION);
      authorizations.add(authorization == null ? "" : authorization);
      Status refusal = refuseWith;
      if (refusal != null) {
        Metadata trailers = new Metadata();
        trailers.merge(refusalTrailers);
        call.close(refusal, trailers);
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  private final class Hosts extends HostServiceGrpc.HostServiceImplBase {
    @Override
    public void getHost(GetHostRequest request, StreamObserver<Host> response) {
      answer(request.getId(), response, host -> host);
    }

    @Override
    public void approveHost(ApproveHostRequest request, StreamObserver<Host> response) {
      answer(request.getId(), response,
          host -> host.toBuilder().setApproved(true).setNotPlaceableReason("").build());
    }

    private void answer(String id, StreamObserver<Host> response, UnaryOperator<Host> change) {
      Host host;
      synchronized (hosts) {
        String name = hosts.values().stream().filter(h -> h.getId().equals(id) || h.getName().equals(id))
            .map(Host::getName).findFirst().orElse(null);
        if (name == null) {
          response.onError(Status.NOT_FOUND.withDescription("id: no host with id or name '" + id + "'")
              .asRuntimeException());
          return;
        }
        host = hosts.computeIfPresent(name, (n, h) -> change.apply(h));
      }
      response.onNext(host);
      response.onCompleted();
    }
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
                  .setRequestId(request.getRequestId())
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
