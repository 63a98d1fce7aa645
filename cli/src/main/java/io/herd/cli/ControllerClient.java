package io.herd.cli;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import java.util.concurrent.TimeUnit;

/** The open channel to the controller and its three public services, each call with the credentials. */
final class ControllerClient implements AutoCloseable {
  /** A unary call that takes longer than this is reported as unavailable. */
  static final long CALL_TIMEOUT_SECONDS = 30;

  private final ManagedChannel channel;
  private final CallCredentials credentials;

  /** {@code credentials}: added to every call (the bearer token); null: none. */
  ControllerClient(ManagedChannel channel, CallCredentials credentials) {
    this.channel = channel;
    this.credentials = credentials;
  }

  ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups() {
    return unary(ServerGroupServiceGrpc.newBlockingStub(channel));
  }

  ServerServiceGrpc.ServerServiceBlockingStub servers() {
    return unary(ServerServiceGrpc.newBlockingStub(channel));
  }

  /** For WatchServers, which lasts as long as the caller wants. */
  ServerServiceGrpc.ServerServiceBlockingStub serverStream() {
    return authorized(ServerServiceGrpc.newBlockingStub(channel));
  }

  /** WatchServers read as it arrives, for waits that also look servers up meanwhile. */
  ServerServiceGrpc.ServerServiceStub serverWatch() {
    return authorized(ServerServiceGrpc.newStub(channel));
  }

  HostServiceGrpc.HostServiceBlockingStub hosts() {
    return unary(HostServiceGrpc.newBlockingStub(channel));
  }

  private <S extends AbstractStub<S>> S unary(S stub) {
    return authorized(stub).withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private <S extends AbstractStub<S>> S authorized(S stub) {
    return credentials == null ? stub : stub.withCallCredentials(credentials);
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
