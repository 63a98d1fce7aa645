package io.herd.cli;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerServiceGrpc.ServerServiceBlockingStub;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Follows WatchServers until each of a set of servers is ACTIVE or ERROR (or deleted), writing
 * one progress line per state change. The watch starts with a snapshot, so a change that
 * happened between CreateServers and the watch is not missed.
 */
final class ServerWaiter {
  /** How often a watch the controller ends early is opened again before giving up. */
  static final int MAX_REOPENS = 3;

  /** Where the servers ended; {@code deletedIds} were deleted while being waited for. */
  record Outcome(List<Server> servers, Set<String> deletedIds) {
    boolean allActive() {
      return deletedIds.isEmpty()
          && servers.stream().allMatch(s -> s.getState() == ServerState.SERVER_STATE_ACTIVE);
    }
  }

  private final ServerServiceBlockingStub stub;
  private final PrintWriter progress;
  private final Map<String, Server> latest = new LinkedHashMap<>();
  private final Set<String> deleted = new LinkedHashSet<>();

  ServerWaiter(ServerServiceBlockingStub stub, PrintWriter progress) {
    this.stub = stub;
    this.progress = progress;
  }

  Outcome await(List<Server> servers, Duration timeout) {
    for (Server server : servers) {
      latest.put(server.getId(), server);
    }
    progress.printf("waiting for %d server(s) to become ACTIVE or ERROR%n", servers.size());
    progress.flush();
    Deadline deadline = Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    WatchServersRequest request = WatchServersRequest.newBuilder().addAllServerIds(latest.keySet()).build();
    int opened = 0;
    while (settledCount() < latest.size()) {
      if (opened > MAX_REOPENS) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "the controller kept ending the watch before every server settled; still waiting for "
                + unsettledNames());
      }
      opened++;
      follow(request, deadline, timeout);
    }
    return new Outcome(new ArrayList<>(latest.values()), Set.copyOf(deleted));
  }

  private void follow(WatchServersRequest request, Deadline deadline, Duration timeout) {
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<ServerEvent> events = stub.withDeadline(deadline).watchServers(request);
      while (settledCount() < latest.size() && events.hasNext()) {
        apply(events.next());
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "gave up waiting after " + timeout.toSeconds() + " s; not settled: " + unsettledNames());
      }
      throw e;
    } finally {
      context.detach(previous);
      // Ends the stream on both sides once every server has settled.
      context.cancel(null);
    }
  }

  private void apply(ServerEvent event) {
    Server server = event.getServer();
    Server before = latest.get(server.getId());
    if (before == null || deleted.contains(server.getId())) {
      return;
    }
    if (event.getKind() == ServerEvent.Kind.KIND_DELETED) {
      deleted.add(server.getId());
      progress.printf("server %s was deleted %s%n", before.getName(), count());
    } else {
      latest.put(server.getId(), server);
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

  private String count() {
    return "(" + settledCount() + " of " + latest.size() + " settled)";
  }

  private int settledCount() {
    int settled = 0;
    for (Server server : latest.values()) {
      if (deleted.contains(server.getId()) || settled(server.getState())) {
        settled++;
      }
    }
    return settled;
  }

  private String unsettledNames() {
    List<String> names = new ArrayList<>();
    for (Server server : latest.values()) {
      if (!deleted.contains(server.getId()) && !settled(server.getState())) {
        names.add(server.getName() + " (" + Names.state(server.getState()) + ")");
      }
    }
    return String.join(", ", names);
  }

  static boolean settled(ServerState state) {
    return state == ServerState.SERVER_STATE_ACTIVE || state == ServerState.SERVER_STATE_ERROR;
  }
}
