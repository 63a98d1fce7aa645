package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code host drain} and {@code host evacuate}: moving a host's servers to other hosts. */
class HostMoveCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Server memberOn(String host) {
    return cluster.serverList().stream()
        .filter(s -> s.getName().startsWith("web-") && s.getHostName().equals(host))
        .findFirst().orElseThrow();
  }

  @Test
  void drainMovesWhatMayMoveAndListsWhatCannotWithTheReason() {
    herdctl("server", "create", "app", "--wait");
    String host = cluster.server("app").getHostName();
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "3", "--wait");
    Server app = cluster.server("app");
    Server stays = memberOn(host);

    Result result = herdctl("host", "drain", host, "--reason", "kernel update", "--wait");

    // the anti-affinity member has nowhere to go: every other host holds a member
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.LEFT_IN_PLACE);
    Server moved = cluster.server("app");
    assertThat(moved.getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    assertThat(moved.getHostName()).isNotEqualTo(host);
    assertThat(result.out())
        .startsWith("drained host " + host + ": 1 server(s) moved, 1 left where they are\n")
        .containsPattern(app.getId() + "  app\\s+" + moved.getHostName() + "\\s+ACTIVE\n")
        .contains("left where they are:\n  " + stays.getName() + " (" + stays.getId()
            + "): no other host may take it: ");
    assertThat(result.err())
        .contains("waiting for 1 server(s) to become ACTIVE or ERROR")
        .endsWith("herdctl: 1 server(s) left on host " + host + ": " + stays.getName() + "\n");
    assertThat(cluster.domainsOn(host)).extracting(AgentServer::getServerId).containsExactly(stays.getId());
    assertThat(cluster.server(stays.getName()).getHostName()).isEqualTo(host);
    assertThat(cluster.group("web").getCompliance().getCompliant()).isTrue();
    Host drained = cluster.host(host);
    assertThat(drained.getSchedulable()).isFalse();
    assertThat(drained.getNotPlaceableReason()).isEqualTo("cordoned: kernel update");
    assertThat(herdctl("host", "show", host).out()).containsPattern("takes new servers: +no: cordoned: kernel update\n");
    ServerHistoryEntry last = lastStep(app.getId());
    assertThat(last.getEvent()).isEqualTo(ServerHistoryEntry.Event.EVENT_MIGRATED);
    assertThat(last.getMessage()).isEqualTo("host " + host + " drained: kernel update");
  }

  @Test
  void drainAsJsonIsTheResponseAndAnEmptiedHostIsExitZero() throws Exception {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");

    Result result = herdctl("host", "drain", app.getHostName(), "--reason", "disk swap", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).isEmpty();
    JsonNode response = JSON.readTree(result.out());
    assertThat(response.get("host").get("name").asText()).isEqualTo(app.getHostName());
    assertThat(response.get("host").get("schedulable").asBoolean()).isFalse();
    assertThat(response.get("left")).isEmpty();
    JsonNode move = response.get("moved").get(0);
    assertThat(move.get("server_id").asText()).isEqualTo(app.getId());
    assertThat(move.get("server_name").asText()).isEqualTo("app");
    assertThat(move.get("to_host_name").asText()).isNotEqualTo(app.getHostName());
    assertThat(move.get("to_host_id").asText()).isEqualTo(cluster.host(move.get("to_host_name").asText()).getId());
    await().atMost(RealCluster.PATIENCE).until(() -> cluster.server("app").getState() == ServerState.SERVER_STATE_ACTIVE);
    assertThat(cluster.domainsOn(app.getHostName())).isEmpty();
  }

  @Test
  void drainNeedsAReasonAndAnUpHost() {
    herdctl("server", "create", "app", "--wait");
    String host = cluster.server("app").getHostName();

    Result noReason = herdctl("host", "drain", host);
    cluster.stopAgent(host);
    cluster.awaitHostDown(host);
    Result down = herdctl("host", "drain", host, "--reason", "maintenance");

    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("Missing required option: '--reason");
    assertThat(down.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(down.err()).contains("host " + host + " is DOWN").contains("evacuate it instead");
    assertThat(cluster.server("app").getHostName()).isEqualTo(host);
  }

  @Test
  void evacuateOfAnUpHostIsRefused() {
    herdctl("server", "create", "app", "--wait");
    String host = cluster.server("app").getHostName();

    Result result = herdctl("host", "evacuate", host);

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err().strip()).isEqualTo("herdctl: failed precondition: host " + host
        + " is up (its agent heartbeats): evacuate only a host that is dead; drain it to move its servers away"
        + " while it runs");
    assertThat(cluster.host(host).getSchedulable()).isTrue();
    assertThat(cluster.server("app").getHostName()).isEqualTo(host);
  }

  @Test
  void evacuateOfADownHostMovesItsServersAndItsCopiesGoWhenItReturns() throws Exception {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");
    String host = app.getHostName();
    cluster.stopAgent(host);
    cluster.awaitHostDown(host);

    Result result = herdctl("host", "evacuate", host, "--wait");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    Server moved = cluster.server("app");
    assertThat(moved.getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    assertThat(moved.getHostName()).isNotEqualTo(host);
    assertThat(result.out())
        .isEqualTo("evacuated host " + host + ": 1 server(s) moved, 0 left where they are\n"
            + String.format("%-36s  %-4s  %-4s  %s", "ID", "NAME", "TO", "STATE") + "\n"
            + app.getId() + "  app   " + moved.getHostName() + "  ACTIVE\n");
    ServerHistoryEntry last = lastStep(app.getId());
    assertThat(last.getEvent()).isEqualTo(ServerHistoryEntry.Event.EVENT_EVACUATED);
    assertThat(last.getFromHostName()).isEqualTo(host);
    assertThat(last.getToHostName()).isEqualTo(moved.getHostName());
    assertThat(herdctl("host", "list").out()).containsPattern(host + "\\s+rack-\\d\\s+zone-a\\s+down\\s");

    // the host returns with the old domain: destroyed at the controller's command, the host stays cordoned
    cluster.startAgent(host, Map.of());
    await().atMost(RealCluster.PATIENCE).until(() -> cluster.domainsOn(host).isEmpty());
    assertThat(cluster.domainsOn(moved.getHostName())).extracting(AgentServer::getServerId)
        .containsExactly(app.getId());
    assertThat(herdctl("host", "list").out()).containsPattern(host + "\\s+rack-\\d\\s+zone-a\\s+cordoned\\s");
    assertThat(herdctl("host", "show", host).out())
        .containsPattern("takes new servers: +no: cordoned: evacuated by an operator\n");
  }

  @Test
  void aDownHostWithMembersOfAnEvacuateGroupSaysWhenTheyMove() throws Exception {
    herdctl("group", "create", "ha", "--policy", "anti-affinity", "--on-host-failure", "evacuate");
    herdctl("server", "create", "db", "--group", "ha", "--wait");
    String host = cluster.server("db").getHostName();
    cluster.stopAgent(host);
    cluster.awaitHostDown(host);

    Result shown = herdctl("host", "show", host);
    Result json = herdctl("host", "show", host, "-o", "json");

    Host down = cluster.host(host);
    assertThat(down.hasEvacuateAt()).isTrue();
    String at = Names.time(down.getEvacuateAt());
    assertThat(shown.out())
        .contains("status:", "down")
        .containsPattern("takes new servers: +no: down: no heartbeat since ")
        .contains("evacuate at:", at + " (its servers of evacuate groups are placed elsewhere then)");
    Instant evacuateAt = Instant.parse(JSON.readTree(json.out()).get("evacuate_at").asText());
    assertThat(evacuateAt).isEqualTo(Instant.parse(at)).isAfter(Instant.now());
    assertThat(herdctl("host", "show", another(host)).out()).doesNotContain("evacuate at");
  }

  private static String another(String host) {
    return host.equals("hv-1") ? "hv-2" : "hv-1";
  }

  private ServerHistoryEntry lastStep(String serverId) {
    Server server = cluster.servers().getServer(GetServerRequest.newBuilder().setId(serverId).build());
    return server.getHistory(server.getHistoryCount() - 1);
  }
}
