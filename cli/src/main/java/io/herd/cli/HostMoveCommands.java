package io.herd.cli;

import com.google.protobuf.MessageOrBuilder;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.DrainHostResponse;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.EvacuateHostResponse;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerLeft;
import io.herd.api.v1.ServerMove;
import io.herd.api.v1.ServerState;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl host drain} and {@code host evacuate}: moving a host's servers to other hosts. */
final class HostMoveCommands {
  private HostMoveCommands() {}

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description = {
        "Maintenance (DrainHost): cordon the host, then migrate every ACTIVE or ERROR server on it to"
            + " another host under its group's rules (a cold migration, as server migrate does). Answers"
            + " once every move is claimed, each moved server BUILDING on its new host.",
        "A server that no other host may take, or that is still BUILDING, is left where it is and listed"
            + " with the reason (exit 8): drain again to retry those. Only for a host that is up."
      })
  static final class Drain extends MoveCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
        description = "Why, for other operators (kept as the cordon reason).")
    String reason;

    @Override
    int run(ControllerClient client) throws InterruptedException {
      DrainHostResponse response =
          client.hosts().drainHost(DrainHostRequest.newBuilder().setId(id).setReason(reason).build());
      return report(client, response, "drained", response.getHost().getName(), response.getMovedList(),
          response.getLeftList());
    }
  }

  @Command(
      name = "evacuate",
      mixinStandardHelpOptions = true,
      description = {
        "For a host that is dead (EvacuateHost): place every server on it again under its group's rules,"
            + " whatever the group's on-host-failure and without waiting for the grace period, and launch"
            + " each from its image on its new host; the host is cordoned. Only for a DOWN host (exit 6"
            + " while it is up: drain it instead).",
        "A server no other host may take stays UNKNOWN, listed with the reason (exit 8), and moves when"
            + " capacity appears. If the host comes back, its copies of moved servers are destroyed."
      })
  static final class Evacuate extends MoveCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Override
    int run(ControllerClient client) throws InterruptedException {
      EvacuateHostResponse response =
          client.hosts().evacuateHost(EvacuateHostRequest.newBuilder().setId(id).build());
      return report(client, response, "evacuated", response.getHost().getName(), response.getMovedList(),
          response.getLeftList());
    }
  }

  /** A command that moves a host's servers: prints the moves and those left, and may wait for the moves. */
  abstract static class MoveCommand extends ControllerCommand {
    @Option(names = "--wait",
        description = "Follow the moved servers until each is ACTIVE or ERROR, progress on stderr.")
    boolean waitForSettled;

    @Mixin WaitTimeout wait;

    /**
     * Prints the response (after --wait: with the moved servers' final states in the table) and
     * returns the exit code: {@link ExitCodes#LEFT_IN_PLACE} when servers were left, else
     * {@link ExitCodes#SERVER_ERROR} when a moved server ended in ERROR, else OK.
     */
    int report(ControllerClient client, MessageOrBuilder response, String verb, String host,
        List<ServerMove> moved, List<ServerLeft> left) throws InterruptedException {
      Map<String, Server> ended = new LinkedHashMap<>();
      ServerWaiter.Outcome outcome = null;
      if (waitForSettled && !moved.isEmpty()) {
        outcome = new ServerWaiter(client, ServerWaiter.Goal.SETTLED, err()).await(moving(moved), wait.timeout);
        outcome.servers().forEach(s -> ended.put(s.getId(), s));
      }
      Output output = output();
      output.print(response, () -> text(verb, host, moved, left, ended, output.width()));
      int exit = outcome == null ? ExitCodes.OK : outcome.exitCode(err());
      if (left.isEmpty()) {
        return exit;
      }
      PrintWriter err = err();
      err.println("herdctl: " + left.size() + " server(s) left on host " + host + ": "
          + left.stream().map(ServerLeft::getServerName).collect(Collectors.joining(", ")));
      err.flush();
      return ExitCodes.LEFT_IN_PLACE;
    }

    /** The moved servers as the answer placed them: BUILDING on their new hosts. */
    private static List<Server> moving(List<ServerMove> moved) {
      return moved.stream()
          .map(m -> Server.newBuilder().setId(m.getServerId()).setName(m.getServerName())
              .setHostId(m.getToHostId()).setHostName(m.getToHostName())
              .setState(ServerState.SERVER_STATE_BUILDING).build())
          .toList();
    }

    /**
     * {@code drained host hv-1: 2 server(s) moving, 1 left}, a table of the moves (with each
     * server's final state after --wait), and one line per server left, with the reason.
     */
    static String text(String verb, String host, List<ServerMove> moved, List<ServerLeft> left,
        Map<String, Server> ended, int width) {
      StringBuilder text = new StringBuilder(verb + " host " + host + ": " + moved.size() + " server(s) "
          + (ended.isEmpty() ? "moving" : "moved") + ", " + left.size() + " left where they are\n");
      if (!moved.isEmpty()) {
        Table table = ended.isEmpty()
            ? new Table("ID", "NAME", "TO").shrinkable("NAME", "TO")
            : new Table("ID", "NAME", "TO", "STATE").shrinkable("NAME", "TO");
        for (ServerMove move : moved) {
          Server server = ended.get(move.getServerId());
          if (server == null) {
            table.row(move.getServerId(), move.getServerName(), move.getToHostName());
          } else {
            table.row(move.getServerId(), move.getServerName(), Names.orDash(server.getHostName()),
                Names.state(server.getState()));
          }
        }
        text.append(table.render(width));
      }
      if (!left.isEmpty()) {
        text.append("left where they are:\n");
        for (ServerLeft server : left) {
          text.append("  ").append(server.getServerName()).append(" (").append(server.getServerId()).append("): ")
              .append(server.getReason()).append('\n');
        }
      }
      return text.toString();
    }
  }
}
