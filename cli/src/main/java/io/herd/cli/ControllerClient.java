package io.herd.cli;

import io.grpc.ManagedChannel;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import java.util.concurrent.TimeUnit;

/** The open channel to the controller and its three public services. */
final class ControllerClient implements AutoCloseable {
  /** A unary call that takes longer than this is reported as unavailable. */
  static final long CALL_TIMEOUT_SECONDS = 30;

  private final ManagedChannel channel;

  ControllerClient(ManagedChannel channel) {
    this.channel = channel;
  }

  ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups() {
    return ServerGroupServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  ServerServiceGrpc.ServerServiceBlockingStub servers() {
    return ServerServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** For WatchServers, which lasts as long as the caller wants. */
  ServerServiceGrpc.ServerServiceBlockingStub serverStream() {
    return ServerServiceGrpc.newBlockingStub(channel);
  }

  /** WatchServers read as it arrives, for waits that also look servers up meanwhile. */
  ServerServiceGrpc.ServerServiceStub serverWatch() {
    return ServerServiceGrpc.newStub(channel);
  }

  HostServiceGrpc.HostServiceBlockingStub hosts() {
    return HostServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
