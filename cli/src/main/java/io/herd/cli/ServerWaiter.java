package io.herd.cli;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows WatchServers until each of a set of servers reaches a {@link Goal} (settled: ACTIVE or
 * ERROR; or gone), writing one progress line per change. The watch starts with a snapshot, so a
 * change between the call that started the wait and the watch is not missed. A server the watch
 * has not shown within {@link #RECHECK} is looked up with GetServer once per such pause: a watch
 * opened after the server was deleted has nothing to show of it, and would otherwise wait for
 * ever.
 */
final class ServerWaiter {
  /** How often a watch the controller ends early is opened again before giving up. */
  static final int MAX_REOPENS = 3;
  /** How long a watch may stay silent about a server before it is looked up. */
  static final Duration RECHECK = Duration.ofSeconds(2);

  /** What the servers are waited for. */
  enum Goal {
    /** ACTIVE or ERROR; a server deleted meanwhile counts as settled (and failed). */
    SETTLED("to become ACTIVE or ERROR", "settled", "settled"),
    /** Gone: the watch reported it deleted, or GetServer no longer finds it. */
    GONE("to be deleted", "deleted", "was deleted");

    private final String wanted;
    private final String counted;
    private final String reached;

    Goal(String wanted, String counted, String reached) {
      this.wanted = wanted;
      this.counted = counted;
      this.reached = reached;
    }
  }

  /** Where the servers ended; {@code deletedIds} are gone (for {@link Goal#SETTLED}: deleted while waited for). */
  record Outcome(List<Server> servers, Set<String> deletedIds) {
    boolean allActive() {
      return deletedIds.isEmpty()
          && servers.stream().allMatch(s -> s.getState() == ServerState.SERVER_STATE_ACTIVE);
    }

    /**
     * For a wait until settled: OK when every server is ACTIVE; else one line on {@code err}
     * per server that is not (deleted, or ERROR with its message) and {@link ExitCodes#SERVER_ERROR}.
     */
    int exitCode(PrintWriter err) {
      if (allActive()) {
        return ExitCodes.OK;
      }
      for (Server server : servers) {
        if (deletedIds.contains(server.getId())) {
          err.println("herdctl: server " + server.getName() + " was deleted while waiting");
        } else if (server.getState() != ServerState.SERVER_STATE_ACTIVE) {
          err.println("herdctl: server " + server.getName() + " is " + Names.state(server.getState()) + ": "
              + server.getStateMessage());
        }
      }
      err.flush();
      return ExitCodes.SERVER_ERROR;
    }
  }

  /** The watch ended (completed by the controller). */
  private static final Object END = new Object();

  private final ControllerClient client;
  private final Goal goal;
  private final PrintWriter progress;
  private final Map<String, Server> latest = new LinkedHashMap<>();
  private final Set<String> deleted = new LinkedHashSet<>();

  ServerWaiter(ControllerClient client, Goal goal, PrintWriter progress) {
    this.client = client;
    this.goal = goal;
    this.progress = progress;
  }

  /**
   * Waits until every server reaches the goal.
   *
   * @throws CliException (exit 5) when the timeout passes first, or the controller keeps ending
   *     the watch
   */
  Outcome await(List<Server> servers, Duration timeout) throws InterruptedException {
    for (Server server : servers) {
      latest.put(server.getId(), server);
    }
    progress.printf("waiting for %d server(s) %s%n", servers.size(), goal.wanted);
    progress.flush();
    Deadline deadline = Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    WatchServersRequest request = WatchServersRequest.newBuilder().addAllServerIds(latest.keySet()).build();
    int opened = 0;
    while (doneCount() < latest.size()) {
      if (opened > MAX_REOPENS) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "the controller kept ending the watch before every server " + goal.reached + "; still waiting for "
                + pendingNames());
      }
      opened++;
      follow(request, deadline, timeout);
    }
    return new Outcome(new ArrayList<>(latest.values()), Set.copyOf(deleted));
  }

  /** One watch, until every server reached the goal or the controller ended the watch. */
  private void follow(WatchServersRequest request, Deadline deadline, Duration timeout)
      throws InterruptedException {
    BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    Set<String> shown = new HashSet<>();
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.run(() -> client.serverWatch().withDeadline(deadline).watchServers(request, new StreamObserver<>() {
        @Override
        public void onNext(ServerEvent event) {
          signals.add(event);
        }

        @Override
        public void onError(Throwable failure) {
          signals.add(failure);
        }

        @Override
        public void onCompleted() {
          signals.add(END);
        }
      }));
      while (doneCount() < latest.size()) {
        long pause = Math.min(RECHECK.toMillis(), Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS)));
        Object signal = signals.poll(pause, TimeUnit.MILLISECONDS);
        if (signal == null) {
          if (deadline.isExpired()) {
            throw gaveUp(timeout);
          }
          lookUpUnshown(shown);
        } else if (signal instanceof ServerEvent event) {
          shown.add(event.getServer().getId());
          apply(event);
        } else if (signal == END) {
          return;
        } else {
          Status status = Status.fromThrowable((Throwable) signal);
          if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            throw gaveUp(timeout);
          }
          throw signal instanceof StatusRuntimeException e ? e : status.asRuntimeException();
        }
      }
    } finally {
      // Ends the stream on both sides once every server reached the goal.
      context.cancel(null);
    }
  }

  /** GetServer for each server still waited for that this watch has not shown. */
  private void lookUpUnshown(Set<String> shown) {
    for (Server server : List.copyOf(latest.values())) {
      if (shown.contains(server.getId()) || done(server)) {
        continue;
      }
      ServerEvent.Builder event = ServerEvent.newBuilder();
      try {
        Server now = client.servers().getServer(GetServerRequest.newBuilder().setId(server.getId()).build());
        event.setKind(ServerEvent.Kind.KIND_CHANGED).setServer(now.toBuilder().clearHistory());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        event.setKind(ServerEvent.Kind.KIND_DELETED).setServer(server);
      }
      apply(event.build());
    }
  }

  private void apply(ServerEvent event) {
    Server server = event.getServer();
    Server before = latest.get(server.getId());
    if (before == null || deleted.contains(server.getId())) {
      return;
    }
    latest.put(server.getId(), server);
    if (event.getKind() == ServerEvent.Kind.KIND_DELETED) {
      deleted.add(server.getId());
      progress.printf("server %s was deleted %s%n", before.getName(), count());
    } else {
      boolean changed = before.getState() != server.getState() || !before.getHostName().equals(server.getHostName());
      if (changed || event.getKind() == ServerEvent.Kind.KIND_SNAPSHOT) {
        progress.printf("server %s is %s%s%s %s%n",
            server.getName(),
            Names.state(server.getState()),
            server.getHostName().isEmpty() ? "" : " on " + server.getHostName(),
            server.getStateMessage().isEmpty() ? "" : ": " + server.getStateMessage(),
            count());
      }
    }
    progress.flush();
  }

  private CliException gaveUp(Duration timeout) {
    return new CliException(
        ExitCodes.UNAVAILABLE,
        "gave up waiting after " + Durations.format(timeout) + "; not " + goal.counted + ": " + pendingNames());
  }

  private boolean done(Server server) {
    boolean gone = deleted.contains(server.getId());
    return goal == Goal.GONE ? gone : gone || settled(server.getState());
  }

  private String count() {
    return "(" + doneCount() + " of " + latest.size() + " " + goal.counted + ")";
  }

  private int doneCount() {
    return (int) latest.values().stream().filter(this::done).count();
  }

  private String pendingNames() {
    List<String> names = new ArrayList<>();
    for (Server server : latest.values()) {
      if (!done(server)) {
        names.add(server.getName() + " (" + Names.state(server.getState())
            + (server.getStateMessage().isEmpty() ? "" : ": " + server.getStateMessage()) + ")");
      }
    }
    return String.join(", ", names);
  }

  static boolean settled(ServerState state) {
    return state == ServerState.SERVER_STATE_ACTIVE || state == ServerState.SERVER_STATE_ERROR;
  }
}
