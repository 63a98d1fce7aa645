package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMigrateCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Server withHistory(String id) {
    return cluster.servers().getServer(GetServerRequest.newBuilder().setId(id).build());
  }

  private static String another(String host) {
    return List.of("hv-1", "hv-2", "hv-3").stream().filter(h -> !h.equals(host)).findFirst().orElseThrow();
  }

  @Test
  void migrateToAHostRelaunchesTheServerThereAndRemovesItsOldDomain() throws Exception {
    cluster.addImage("deb.raw");
    herdctl("server", "create", "app", "--image", "deb.raw", "--disk", "1", "--wait");
    Server before = cluster.server("app");
    String from = before.getHostName();
    String to = another(from);

    Result result = herdctl("server", "migrate", before.getId(), "--to", to, "--wait");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("server app (" + before.getId() + ") is ACTIVE on host " + to + "\n");
    assertThat(result.err())
        .startsWith("waiting for 1 server(s) to become ACTIVE or ERROR\n")
        .endsWith("server app is ACTIVE on " + to + " (1 of 1 settled)\n");
    Server after = withHistory(before.getId());
    assertThat(after.getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
    assertThat(after.getHostName()).isEqualTo(to);
    ServerHistoryEntry last = after.getHistory(after.getHistoryCount() - 1);
    assertThat(last.getEvent()).isEqualTo(ServerHistoryEntry.Event.EVENT_MIGRATED);
    assertThat(last.getFromHostName()).isEqualTo(from);
    assertThat(last.getToHostName()).isEqualTo(to);
    assertThat(cluster.domainsOn(from)).isEmpty();
    assertThat(cluster.domainsOn(to)).extracting(AgentServer::getServerId).containsExactly(before.getId());

    Result shown = herdctl("server", "show", before.getId());
    assertThat(shown.out())
        .containsPattern("history: +2\n +\\S+Z  placed    - -> " + from + "\\s+placed when created\n"
            + " +\\S+Z  migrated  " + from + " -> " + to + "  migrated from host " + from + "\n");
  }

  @Test
  void migrateWithoutToMovesTheServerWhereTheRulesAllowAndPrintsTheServerAsAnswered() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "2", "--wait");
    Server web1 = cluster.server("web-1");
    String free = List.of("hv-1", "hv-2", "hv-3").stream()
        .filter(h -> cluster.serverList().stream().noneMatch(s -> s.getHostName().equals(h)))
        .findFirst().orElseThrow();

    Result result = herdctl("server", "migrate", web1.getId(), "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    JsonNode server = JSON.readTree(result.out());
    assertThat(server.get("id").asText()).isEqualTo(web1.getId());
    assertThat(server.get("state").asText()).isEqualTo("SERVER_STATE_BUILDING");
    // anti-affinity: the only legal host is the one that holds no member
    assertThat(server.get("host_name").asText()).isEqualTo(free);
    await().atMost(RealCluster.PATIENCE)
        .until(() -> cluster.server("web-1").getState() == ServerState.SERVER_STATE_ACTIVE);
    assertThat(cluster.group("web").getCompliance().getCompliant()).isTrue();
  }

  @Test
  void migrateWithoutToPrintsWhereTheServerIsGoing() {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");

    Result result = herdctl("server", "migrate", app.getId());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    Server moving = cluster.server("app");
    assertThat(moving.getHostName()).isNotEqualTo(app.getHostName());
    assertThat(result.out()).startsWith("server app (" + app.getId() + ") is BUILDING on host "
        + moving.getHostName() + ": migrated from host " + app.getHostName());
  }

  @Test
  void migrateWithNoLegalHostIsNoValidHostAndMovesNothing() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "3", "--wait");
    Server web1 = cluster.server("web-1");

    Result result = herdctl("server", "migrate", web1.getId());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_VALID_HOST);
    assertThat(result.err()).startsWith("herdctl: resource exhausted: ");
    assertThat(result.out()).isEmpty();
    assertThat(cluster.server("web-1").getHostName()).isEqualTo(web1.getHostName());
    assertThat(cluster.server("web-1").getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
  }

  @Test
  void migrateOfABuildingServerIsAConflict() throws Exception {
    String image = imageWhoseLaunchesHang();
    herdctl("server", "create", "stuck", "--image", image, "--disk", "1");
    Server stuck = cluster.server("stuck");

    Result result = herdctl("server", "migrate", stuck.getId());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err().strip()).isEqualTo("herdctl: failed precondition: server " + stuck.getId()
        + " cannot be migrated: it is BUILDING; migrate it once it is ACTIVE");
    assertThat(cluster.server("stuck").getHostName()).isEqualTo("hv-silent");
  }

  @Test
  void migrateToItsOwnHostIsAConflictAndToAnUnknownHostIsNotFound() {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");

    Result own = herdctl("server", "migrate", app.getId(), "--to", app.getHostName());
    Result unknown = herdctl("server", "migrate", app.getId(), "--to", "hv-9");

    assertThat(own.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(own.err()).contains("already runs on host " + app.getHostName());
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err().strip()).isEqualTo("herdctl: not found: to_host: no host with id or name 'hv-9'");
    assertThat(cluster.server("app").getHostName()).isEqualTo(app.getHostName());
  }
}
