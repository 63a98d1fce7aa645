package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code server create --wait} and {@code server watch}: following servers as they change. */
class ServerWaitAndWatchTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void waitFollowsTheWatchUntilEveryServerIsActiveThenLetsGoOfTheStream() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");

    // the real watch never ends by itself: returning at all means herdctl let go of it
    Result result = herdctl("server", "create", "web", "--group", "web", "--count", "3", "--wait");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.err())
        .contains("waiting for 3 server(s) to become ACTIVE or ERROR")
        .contains("(3 of 3 settled)");
    for (Server server : cluster.serverList()) {
      assertThat(result.err()).contains("server " + server.getName() + " is ACTIVE on " + server.getHostName());
    }
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).contains("ACTIVE"));
    assertThat(cluster.serverList()).extracting(Server::getHostName).containsExactlyInAnyOrder("hv-1", "hv-2", "hv-3");
  }

  @Test
  void waitEndingInErrorExitsSevenWithTheReason() throws Exception {
    String image = imageWhoseLaunchesFail();

    Result result = herdctl("server", "create", "doomed", "--count", "2", "--image", image, "--disk", "1",
        "--wait", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
    String reason = cluster.server("doomed-2").getStateMessage();
    assertThat(reason).startsWith("launch on host hv-refusing failed: UNAVAILABLE");
    assertThat(result.err())
        .contains("server doomed-1 is ERROR: ")
        .contains("herdctl: server doomed-2 is ERROR: " + reason + "\n");
    JsonNode servers = JSON.readTree(result.out()).get("servers");
    assertThat(servers).hasSize(2);
    assertThat(servers).allSatisfy(s -> assertThat(s.get("state").asText()).isEqualTo("SERVER_STATE_ERROR"));
  }

  @Test
  void waitGivesUpAtItsTimeoutNamingTheServersStillBuilding() throws IOException {
    String image = imageWhoseLaunchesHang();

    Result result = herdctl("server", "create", "stuck", "--image", image, "--disk", "1", "--wait",
        "--wait-timeout", "1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.err()).contains("herdctl: gave up waiting after 1 s; not settled: stuck (BUILDING)");
    assertThat(result.out()).isEmpty();
    assertThat(cluster.server("stuck").getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);
  }

  @Test
  void timeoutTakesADurationWithAUnit() throws IOException {
    String image = imageWhoseLaunchesHang();

    Result result = herdctl("server", "create", "stuck", "--image", image, "--disk", "1", "--wait",
        "--timeout", "800ms");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.err()).contains("herdctl: gave up waiting after 800 ms; not settled: stuck (BUILDING)");
  }

  @Test
  void aBadTimeoutIsAUsageErrorAndSendsNothing() {
    Result result = herdctl("server", "create", "app", "--wait", "--timeout", "soon");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--timeout").contains("'soon' is not a duration");
    assertThat(lastSettings.get()).isNull();
    assertThat(cluster.serverList()).isEmpty();
  }

  @Test
  void watchPrintsOneJsonObjectPerEvent() throws Exception {
    herdctl("server", "create", "old", "--wait");
    Running watch = herdctlInBackground("server", "watch", "-o", "json");
    await().atMost(RealCluster.PATIENCE).until(() -> watch.out().contains("KIND_SNAPSHOT"));

    herdctl("server", "create", "new", "--wait");
    await().atMost(RealCluster.PATIENCE).until(() -> watch.out().lines().anyMatch(line ->
        line.contains("KIND_CHANGED") && line.contains("\"name\":\"new\"") && line.contains("SERVER_STATE_ACTIVE")));
    Result result = watch.stop();

    List<JsonNode> events = new ArrayList<>();
    for (String line : result.out().lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertThat(events.get(0).get("kind").asText()).isEqualTo("KIND_SNAPSHOT");
    assertThat(events.get(0).get("server").get("name").asText()).isEqualTo("old");
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("kind").asText()).isEqualTo("KIND_CHANGED");
    assertThat(last.get("server").get("name").asText()).isEqualTo("new");
    assertThat(last.get("server").get("state").asText()).isEqualTo("SERVER_STATE_ACTIVE");
  }

  @Test
  void watchTableLinesNameKindStateAndHost() throws Exception {
    herdctl("server", "create", "app", "--wait");
    herdctl("server", "create", "other", "--wait");
    Server app = cluster.server("app");
    Running watch = herdctlInBackground("server", "watch", "--id", app.getId());
    await().atMost(RealCluster.PATIENCE).until(() -> watch.out().contains("snapshot"));

    herdctl("server", "delete", app.getId());
    herdctl("server", "delete", cluster.server("other").getId());
    await().atMost(RealCluster.PATIENCE).until(() -> watch.out().contains("deleted"));
    Result result = watch.stop();

    String host = app.getHostName();
    assertThat(result.out().lines().toList())
        .containsExactly(
            "snapshot  " + app.getId() + "  ACTIVE    app on " + host,
            "changed   " + app.getId() + "  DELETING  app on " + host + ": being deleted",
            "deleted   " + app.getId() + "  DELETING  app on " + host + ": being deleted");
  }
}
