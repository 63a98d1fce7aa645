package io.herd.cli;

import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.stub.AbstractStub;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.runtime.grpc.ControllerEndpoints;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The channels to the controllers and their four public services, each call with the
 * credentials; calls go to the leader ({@link LeaderFollowingChannel}).
 */
final class ControllerClient implements AutoCloseable {
  /** A unary call that takes longer than this is reported as unavailable. */
  static final long CALL_TIMEOUT_SECONDS = 30;

  private final ControllerEndpoints endpoints;
  private final ScheduledExecutorService timer;
  private final Channel channel;
  private final CallCredentials credentials;

  /**
   * {@code credentials}: added to every call (the bearer token); null: none. {@code patience}:
   * how long a call keeps trying the controllers for the leader.
   */
  ControllerClient(ControllerEndpoints endpoints, CallCredentials credentials, Duration patience) {
    this.endpoints = endpoints;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "herdctl-retry");
      t.setDaemon(true);
      return t;
    });
    this.channel = new LeaderFollowingChannel(endpoints, timer, patience);
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

  FlavorServiceGrpc.FlavorServiceBlockingStub flavors() {
    return unary(FlavorServiceGrpc.newBlockingStub(channel));
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
    timer.shutdownNow();
    endpoints.close();
  }
}
