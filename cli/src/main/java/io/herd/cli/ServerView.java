package io.herd.cli;

import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerHistoryEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Tables, lines and details of servers. */
final class ServerView {
  private ServerView() {}

  static String table(List<Server> servers, int width) {
    Table table = new Table("ID", "NAME", "STATE", "HOST").shrinkable("NAME", "HOST");
    for (Server server : servers) {
      table.row(server.getId(), server.getName(), Names.state(server.getState()),
          Names.orDash(server.getHostName()));
    }
    return table.render(width);
  }

  /** One server in a sentence: {@code server app (ID) is ACTIVE on host hv-2[: message]}. */
  static String line(Server server) {
    return "server " + server.getName() + " (" + server.getId() + ") is " + Names.state(server.getState())
        + (server.getHostName().isEmpty() ? "" : " on host " + server.getHostName())
        + (server.getStateMessage().isEmpty() ? "" : ": " + server.getStateMessage()) + "\n";
  }

  static String eventLine(ServerEvent event) {
    Server server = event.getServer();
    String kind = event.getKind().name().replace("KIND_", "").toLowerCase(Locale.ROOT);
    return String.format("%-8s  %s  %-8s  %s on %s%s", kind, server.getId(),
        Names.state(server.getState()), server.getName(), Names.orDash(server.getHostName()),
        server.getStateMessage().isEmpty() ? "" : ": " + server.getStateMessage());
  }

  static String details(Server server) {
    Details details =
        new Details()
            .add("id", server.getId())
            .add("name", server.getName())
            .add("state", Names.state(server.getState()));
    if (!server.getStateMessage().isEmpty()) {
      details.add("state message", server.getStateMessage());
    }
    return details
        .add("group", Names.orDash(server.getGroupId()))
        .add("host", server.getHostName().isEmpty() ? "-" : server.getHostName() + " (" + server.getHostId() + ")")
        .add("vcpus", server.getVcpus())
        .add("memory", Sizes.formatMib(server.getMemoryMib()) + " (" + server.getMemoryMib() + " MiB)")
        .add("disk", server.getDiskGib() == 0 ? "none" : Sizes.formatGib(server.getDiskGib()))
        .add("image", Names.orDash(server.getImage()))
        .add("flavor", Names.orDash(server.getFlavor()))
        .list("metadata", server.getMetadataMap().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).toList())
        .add("request id", Names.orDash(server.getRequestId()))
        .add("created", Names.time(server.getCreatedAt()))
        .add("updated", Names.time(server.getUpdatedAt()))
        .list("history", history(server.getHistoryList()))
        .render();
  }

  /** One aligned line per step, oldest first: time, event, {@code from -> to}, message. */
  static List<String> history(List<ServerHistoryEntry> entries) {
    List<String[]> cells = new ArrayList<>();
    int[] widths = new int[3];
    for (ServerHistoryEntry entry : entries) {
      String[] row = {
        Names.time(entry.getAt()),
        Names.historyEvent(entry.getEvent()),
        Names.orDash(entry.getFromHostName()) + " -> " + Names.orDash(entry.getToHostName())
      };
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
      cells.add(row);
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      String[] row = cells.get(i);
      String line = String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s",
          row[0], row[1], row[2], entries.get(i).getMessage());
      lines.add(line.stripTrailing());
    }
    return lines;
  }
}
