package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server delete --wait}: following a delete that goes on in the background until the server is gone. */
class ServerDeleteWaitTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDeleteDoneDuringTheCallNeedsNoWaiting() throws Exception {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");

    Result result = herdctl("server", "delete", app.getId(), "--wait", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).isEmpty();
    JsonNode response = JSON.readTree(result.out());
    assertThat(response.get("deleted").asBoolean()).isTrue();
    assertThat(response.get("server").get("id").asText()).isEqualTo(app.getId());
    assertThat(cluster.serverList()).isEmpty();
    assertThat(cluster.domainsOn(app.getHostName())).isEmpty();
  }

  @Test
  void waitFollowsABuildingServerUntilItIsGone() throws Exception {
    String image = imageWhoseLaunchesHang();
    herdctl("server", "create", "stuck", "--image", image, "--disk", "1");
    Server stuck = cluster.server("stuck");
    assertThat(stuck.getState()).isEqualTo(ServerState.SERVER_STATE_BUILDING);

    Running delete = herdctlInBackground("server", "delete", stuck.getId(), "--wait");
    await().atMost(RealCluster.PATIENCE).until(() -> delete.err().contains("(0 of 1 deleted)"));
    assertThat(cluster.server("stuck").getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);

    // the launch hung on the silent address fails; the agent, started again, is reached where it listens
    cluster.unreachable.endSilence();
    cluster.stopAgent("hv-silent");
    cluster.startAgent("hv-silent", Map.of());
    Result result = delete.await();

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("deleted server stuck (" + stuck.getId() + ")\n");
    assertThat(result.err())
        .startsWith("waiting for 1 server(s) to be deleted\n"
            + "server stuck is DELETING on hv-silent: being deleted once its launch in flight lands (0 of 1 deleted)\n")
        .endsWith("server stuck was deleted (1 of 1 deleted)\n");
    assertThat(cluster.serverList()).isEmpty();
    assertThat(cluster.host("hv-silent").getServerCount()).isZero();
  }

  @Test
  void waitGivesUpAtItsTimeoutSayingWhatTheDeleteWaitsFor() throws Exception {
    String image = imageWhoseLaunchesHang();
    herdctl("server", "create", "stuck", "--image", image, "--disk", "1");
    Server stuck = cluster.server("stuck");

    Result result = herdctl("server", "delete", stuck.getId(), "--wait", "--timeout", "1s");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).endsWith("herdctl: gave up waiting after 1 s; not deleted: "
        + "stuck (DELETING: being deleted once its launch in flight lands)\n");
    assertThat(cluster.server("stuck").getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
  }

  @Test
  void withoutWaitTheDeleteOfABuildingServerSaysWhatItWaitsFor() throws Exception {
    String image = imageWhoseLaunchesHang();
    herdctl("server", "create", "stuck", "--image", image, "--disk", "1");
    Server stuck = cluster.server("stuck");

    Result result = herdctl("server", "delete", stuck.getId());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("deleting server stuck (" + stuck.getId()
        + "): being deleted once its launch in flight lands\n");
    assertThat(cluster.server("stuck").getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
  }
}
