package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test cluster itself: hosts of their own size with domains of their own, agents that stop and start. */
class RealClusterTest extends CliTestSupport {
  @Override
  List<RealCluster.HostShape> hosts() {
    return List.of(
        new RealCluster.HostShape("hv-small", 4, 8 * 1024, "rack-1", "zone-a"),
        new RealCluster.HostShape("hv-big", 32, 128 * 1024, "rack-2", "zone-b"));
  }

  @Test
  void eachHostHasItsOwnSizeAndItsOwnDomains() {
    assertThat(cluster.host("hv-small").getCapacity().getCpus()).isEqualTo(4);
    assertThat(cluster.host("hv-small").getCapacity().getMemoryMib()).isEqualTo(8 * 1024);
    assertThat(cluster.host("hv-big").getCapacity().getCpus()).isEqualTo(32);
    assertThat(cluster.host("hv-big").getCapacity().getMemoryMib()).isEqualTo(128 * 1024);

    herdctl("group", "create", "web", "--policy", "anti-affinity");
    Result created = herdctl("server", "create", "web", "--group", "web", "--count", "2", "--wait");

    assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
    for (String host : List.of("hv-small", "hv-big")) {
      List<String> placedHere = cluster.serverList().stream()
          .filter(s -> s.getHostName().equals(host)).map(Server::getId).toList();
      assertThat(placedHere).hasSize(1);
      // two test:/// node files in one JVM: each agent sees only its own domain
      assertThat(cluster.domainsOn(host)).extracting(AgentServer::getServerId).containsExactlyElementsOf(placedHere);
    }
  }

  @Test
  void aStoppedAgentTakesItsHostDownAndItsDomainsOutliveIt() throws Exception {
    herdctl("server", "create", "app", "--wait");
    Server app = cluster.server("app");

    cluster.stopAgent(app.getHostName());
    cluster.awaitHostDown(app.getHostName());

    assertThat(cluster.server("app").getState()).isEqualTo(ServerState.SERVER_STATE_UNKNOWN);

    cluster.startAgent(app.getHostName(), Map.of());

    assertThat(cluster.domainsOn(app.getHostName())).extracting(AgentServer::getServerId)
        .containsExactly(app.getId());
    assertThat(cluster.server("app").getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
  }
}
