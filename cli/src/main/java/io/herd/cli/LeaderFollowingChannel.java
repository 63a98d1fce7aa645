package io.herd.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.herd.api.v1.CreateServersRequest;
import io.herd.runtime.grpc.ControllerEndpoints;
import io.herd.runtime.grpc.Leadership;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A channel whose calls go to the leading controller. A call that a standby refuses naming the
 * leader ({@code herd-leader}) is made again at once on the leader. A call that fails with
 * UNAVAILABLE otherwise (the controller is down, or an election is in progress) is made again
 * on the next address, after a short backoff, until {@link #PATIENCE} has passed or the call's
 * deadline comes; then it fails with UNAVAILABLE, naming the addresses tried.
 *
 * <p>Only a call that is safe to repeat is made again after an answer that does not show it
 * undone: reads (Get, List, Watch) and a CreateServers with a request_id (the controller returns
 * the same servers for a repeated request_id). Any call follows a standby's refusal or a
 * refused connection, which show that nothing was done. A call that has had an answer (headers
 * or a message) is never made again.
 */
final class LeaderFollowingChannel extends Channel {
  /** How long a call keeps trying the controllers before it gives up. */
  static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final ControllerEndpoints endpoints;
  private final ScheduledExecutorService timer;
  private final Duration patience;

  LeaderFollowingChannel(ControllerEndpoints endpoints, ScheduledExecutorService timer, Duration patience) {
    this.endpoints = endpoints;
    this.timer = timer;
    this.patience = patience;
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return new FollowingCall<>(method, options);
  }

  @Override
  public String authority() {
    return endpoints.channel().authority();
  }

  /** Whether a call may be made again after an UNAVAILABLE that does not show it undone. */
  static boolean repeatable(MethodDescriptor<?, ?> method, List<?> sent) {
    String name = method.getBareMethodName();
    if (name == null) {
      return false;
    }
    if (name.startsWith("Get") || name.startsWith("List") || name.startsWith("Watch")) {
      return true;
    }
    return sent.size() == 1 && sent.get(0) instanceof CreateServersRequest create
        && !create.getRequestId().isEmpty();
  }

  /** Whether the failure shows the call was not carried out: a standby's refusal, a refused connection. */
  static boolean undone(Status status, Metadata trailers) {
    // a standby refused it (naming the leader or not): it did nothing
    if (trailers != null && (trailers.get(Leadership.LEADER) != null || trailers.get(Leadership.STANDBY) != null)) {
      return true;
    }
    for (Throwable c = status.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** One call, made on one controller after another until one answers or the patience ends. */
  private final class FollowingCall<Q, R> extends ClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final long giveUpNanos;
    private final List<Q> sent = new ArrayList<>();
    private final Set<String> tried = new LinkedHashSet<>();
    private Listener<R> listener;
    private Metadata headers;
    private ClientCall<Q, R> attempt;
    private int requested;
    private boolean halfClosed;
    private boolean cancelled;
    private Duration backoff = FIRST_BACKOFF;

    FollowingCall(MethodDescriptor<Q, R> method, CallOptions options) {
      this.method = method;
      this.options = options;
      this.giveUpNanos = System.nanoTime() + patience.toNanos();
    }

    @Override
    public void start(Listener<R> responseListener, Metadata headers) {
      synchronized (this) {
        this.listener = responseListener;
        this.headers = headers;
      }
      startAttempt();
    }

    private void startAttempt() {
      ClientCall<Q, R> call;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        String target = endpoints.current();
        tried.add(target);
        try {
          call = endpoints.channel(target).newCall(method, options);
        } catch (RuntimeException e) {
          // e.g. a leader's address that is no host:port; told to the caller, not lost on the timer
          attempt = new NoCall<>();
          listener.onClose(Status.UNAVAILABLE.withDescription("cannot call the controller at " + target + ": "
              + e.getMessage()).withCause(e), new Metadata());
          return;
        }
        attempt = call;
        Metadata copy = new Metadata();
        copy.merge(headers);
        call.start(new AttemptListener(call, target), copy);
        if (requested > 0) {
          call.request(requested);
        }
        sent.forEach(call::sendMessage);
        if (halfClosed) {
          call.halfClose();
        }
      }
    }

    @Override
    public synchronized void request(int numMessages) {
      requested += numMessages;
      attempt.request(numMessages);
    }

    @Override
    public synchronized void cancel(String message, Throwable cause) {
      cancelled = true;
      if (attempt != null) {
        attempt.cancel(message, cause);
      }
    }

    @Override
    public synchronized void halfClose() {
      halfClosed = true;
      attempt.halfClose();
    }

    @Override
    public synchronized void sendMessage(Q message) {
      sent.add(message);
      attempt.sendMessage(message);
    }

    @Override
    public synchronized boolean isReady() {
      return attempt != null && attempt.isReady();
    }

    /** What the call does after one attempt ended with {@code status}: null to retry, else how it ends. */
    private synchronized Status ending(String target, Status status, Metadata trailers) {
      if (cancelled || status.getCode() != Status.Code.UNAVAILABLE) {
        return status;
      }
      if (!undone(status, trailers) && !repeatable(method, sent)) {
        return status;
      }
      ControllerEndpoints.Next next = endpoints.failed(target, status.asRuntimeException(trailers));
      long wait = next.redirected() ? 0 : backoff.toNanos();
      boolean expired = options.getDeadline() != null
          && options.getDeadline().timeRemaining(TimeUnit.NANOSECONDS) <= wait;
      if (expired || System.nanoTime() + wait > giveUpNanos) {
        return tried.size() < 2 ? status : Status.UNAVAILABLE.withDescription("no controller answered as the "
            + "leader (tried " + String.join(", ", tried) + "); the last, " + target + ": " + reason(status));
      }
      if (!next.redirected()) {
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
      timer.schedule(FollowingCall.this::startAttempt, wait, TimeUnit.NANOSECONDS);
      return null;
    }

    private static String reason(Status status) {
      Throwable root = status.getCause();
      while (root != null && root.getCause() != null) {
        root = root.getCause();
      }
      if (root instanceof ConnectException) {
        return "connection refused";
      }
      String d = status.getDescription();
      return d != null ? d : root != null && root.getMessage() != null ? root.getMessage() : "unavailable";
    }

    /** Passes one attempt's answer on, unless the attempt is to be made again elsewhere. */
    private final class AttemptListener extends Listener<R> {
      private final ClientCall<Q, R> call;
      private final String target;
      private boolean answered;

      AttemptListener(ClientCall<Q, R> call, String target) {
        this.call = call;
        this.target = target;
      }

      @Override
      public void onHeaders(Metadata responseHeaders) {
        answered = true;
        listener.onHeaders(responseHeaders);
      }

      @Override
      public void onMessage(R message) {
        answered = true;
        listener.onMessage(message);
      }

      @Override
      public void onReady() {
        listener.onReady();
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        Status end = answered ? status : ending(target, status, trailers);
        if (end != null) {
          listener.onClose(end, end == status ? trailers : new Metadata());
        }
      }

      @Override
      public String toString() {
        return "attempt on " + target + " of " + call;
      }
    }
  }

  /** Stands in for an attempt that could not be made: the call has ended. */
  private static final class NoCall<Q, R> extends ClientCall<Q, R> {
    @Override
    public void start(Listener<R> responseListener, Metadata headers) {}

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(Q message) {}
  }
}
