package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void createSendsSizesInTheirUnits() throws IOException {
    cluster.addImage("debian-12.qcow2");

    Result result = herdctl("server", "create", "app", "--vcpus", "2", "--memory", "4G", "--disk", "2G",
        "--image", "debian-12.qcow2", "--network", "default", "--request-id", "r-1");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    Server server = cluster.server("app");
    assertThat(server.getVcpus()).isEqualTo(2);
    assertThat(server.getMemoryMib()).isEqualTo(4096);
    assertThat(server.getDiskGib()).isEqualTo(2);
    assertThat(server.getImage()).isEqualTo("debian-12.qcow2");
    assertThat(server.getRequestId()).isEqualTo("r-1");
    assertThat(result.out()).contains(server.getId()).contains("BUILDING").contains(server.getHostName());
  }

  @Test
  void bareNumbersAreMibForMemoryAndGibForDisk() throws IOException {
    cluster.addImage("deb");

    herdctl("server", "create", "app", "--memory", "1536", "--disk", "3", "--image", "deb");

    Server server = cluster.server("app");
    assertThat(server.getMemoryMib()).isEqualTo(1536);
    assertThat(server.getDiskGib()).isEqualTo(3);
  }

  @Test
  void badSizeIsAUsageErrorNamingTheOptionAndSendsNothing() {
    Result result = herdctl("server", "create", "app", "--memory", "4X");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--memory").contains("unknown unit 'X'");
    assertThat(cluster.serverList()).isEmpty();
  }

  @Test
  void diskThatIsNotWholeGibIsRefused() {
    Result result = herdctl("server", "create", "app", "--disk", "1500M");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--disk").contains("not a whole number of GiB");
  }

  @Test
  void countCreatesNumberedServersInOneRequest() {
    Result result = herdctl("server", "create", "web", "--count", "3", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.serverList()).extracting(Server::getName).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
    assertThat(result.out()).contains("\"replayed\" : false");
  }

  @Test
  void repeatedRequestIdSaysSoAndCreatesNothingNew() {
    herdctl("server", "create", "app", "--request-id", "once");

    Result again = herdctl("server", "create", "app", "--request-id", "once");

    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.serverList()).hasSize(1);
    assertThat(again.err()).contains("request id once was used before");
    assertThat(again.out()).contains(cluster.server("app").getId());
  }

  @Test
  void noValidHostPrintsTheWholeExplanationAndExitsFour() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "3");

    Result result = herdctl("server", "create", "web-4", "--group", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_VALID_HOST);
    assertThat(result.err()).isEqualTo("herdctl: resource exhausted: no valid host for 1 server of group web "
        + "(anti-affinity, scope host, max 1 per host): 3 hosts already hold a member\n");
    assertThat(result.out()).isEmpty();
    assertThat(cluster.serverList()).hasSize(3);
  }

  @Test
  void controllerValidationErrorIsExitTwo() {
    Result result = herdctl("server", "create", "tiny", "--memory", "8M");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: invalid argument: memory_mib: must be between 16 and 16777216 MiB, was 8");
  }

  @Test
  void listFiltersByGroupAndState() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "2", "--wait");
    herdctl("server", "create", "lonely", "--image", imageWhoseLaunchesFail(), "--disk", "1", "--wait");

    Result inGroup = herdctl("server", "list", "--group", "web", "--output", "json");
    Result failed = herdctl("server", "list", "--state", "error");
    Result active = herdctl("server", "list", "--state", "ACTIVE");

    JsonNode servers = JSON.readTree(inGroup.out()).get("servers");
    assertThat(servers).hasSize(2);
    assertThat(servers.get(0).get("memory_mib").asLong()).isEqualTo(512);
    assertThat(servers.get(0).get("state").asText()).isEqualTo("SERVER_STATE_ACTIVE");
    assertThat(failed.out()).contains("lonely").doesNotContain("web-1");
    assertThat(active.out()).contains("web-1", "web-2").doesNotContain("lonely");
  }

  @Test
  void everyStateListOffersTheControllerAcceptsAndNoOther() {
    List<String> offered = new ArrayList<>();
    new EnumConverters.StateCandidates().forEach(offered::add);

    for (String state : offered) {
      Result result = herdctl("server", "list", "--state", state);
      assertThat(result.exitCode()).as("--state %s: %s", state, result.err()).isEqualTo(ExitCodes.OK);
    }
    for (ServerState state : ServerState.values()) {
      String typed = Names.state(state).toLowerCase(Locale.ROOT);
      if (state == ServerState.UNRECOGNIZED || state == ServerState.SERVER_STATE_UNSPECIFIED || offered.contains(typed)) {
        continue;
      }
      assertThat(ExitCodes.of(listStatus(state))).as("the controller on %s", state).isEqualTo(ExitCodes.USAGE);
    }
  }

  private Status.Code listStatus(ServerState state) {
    try {
      cluster.servers().listServers(ListServersRequest.newBuilder().setState(state).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void stoppedIsAUsageErrorNamingTheStatesThatExistAndAsksNothing() {
    Result result = herdctl("server", "list", "--state", "stopped");
    Result help = herdctl("server", "list", "--help");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("Invalid value for option '--state': 'stopped' is not one of building, active, error, deleting, "
            + "unknown");
    assertThat(lastSettings.get()).isNull();
    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("Only servers in this state: building, active, error, deleting, unknown.");
  }

  @Test
  void listTableKeepsIdsWholeAndFitsEightyColumns() {
    herdctl("server", "create", "a-server-name-long-enough-to-need-cutting-down-to-size", "--count", "2", "--wait");

    Result result = herdctl("server", "list");

    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    for (Server server : cluster.serverList()) {
      assertThat(result.out()).contains(server.getId());
    }
    assertThat(result.out()).containsPattern("a-server-name-long-enough[-a-z]*~  ACTIVE");
  }

  @Test
  void showPrintsEveryDetail() throws IOException {
    cluster.addImage("deb");
    herdctl("server", "create", "app", "--vcpus", "4", "--memory", "1.5G", "--disk", "10", "--image", "deb", "--wait");
    Server server = cluster.server("app");

    Result result = herdctl("server", "show", server.getId());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("id:", server.getId())
        .contains("state:", "ACTIVE")
        .contains("vcpus:", "4")
        .contains("1.5G (1536 MiB)")
        .contains("disk:", "10G")
        .contains("image:", "deb")
        .contains("host:", server.getHostName() + " (" + server.getHostId() + ")")
        .containsPattern("history: +1\n +\\S+Z  placed  - -> " + server.getHostName() + "  placed when created\n");
  }

  @Test
  void showOfAMissingServerIsNotFound() {
    Result result = herdctl("server", "show", "no-such-id");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: id: no server with id 'no-such-id'");
  }

  @Test
  void deleteStopsTheDomainAndReleasesTheMembership() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web", "--wait");
    Server server = cluster.server("app");
    assertThat(cluster.domainsOn(server.getHostName())).hasSize(1);

    Result result = herdctl("server", "delete", server.getId(), "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).contains("\"state\" : \"SERVER_STATE_DELETING\"").contains("\"deleted\" : true");
    assertThat(cluster.serverList()).isEmpty();
    assertThat(cluster.group("web").getMemberIdsList()).isEmpty();
    assertThat(cluster.domainsOn(server.getHostName())).isEmpty();
  }

  @Test
  void deleteWhileTheAgentCannotBeReachedGoesOnInTheBackgroundUntilTheAgentAnswers() throws IOException {
    herdctl("server", "create", "app", "--wait");
    Server server = cluster.server("app");
    String host = server.getHostName();
    // the host stays up, but the controller's calls to its agent are refused
    cluster.stopAgent(host);
    cluster.startAgent(host, Map.of("advertise_address", cluster.unreachable.refusingAddress()));

    Result result = herdctl("server", "delete", server.getId());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("deleting server app (" + server.getId() + "): agent of host " + host
        + " did not remove the domain (UNAVAILABLE").contains("; retrying in ");
    assertThat(cluster.server("app").getState()).isEqualTo(ServerState.SERVER_STATE_DELETING);
    assertThat(cluster.domainsOn(host)).extracting(AgentServer::getServerId).containsExactly(server.getId());

    cluster.stopAgent(host);
    cluster.startAgent(host, Map.of());

    await().atMost(RealCluster.PATIENCE).until(() -> cluster.serverList().isEmpty());
    assertThat(cluster.domainsOn(host)).isEmpty();
  }

  @Test
  void deleteWithForceIsRefusedWhileTheHostIsUpAndLeavesTheDomainWhenItIsDown() throws IOException {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web", "--wait");
    Server server = cluster.server("app");
    String host = server.getHostName();

    Result refused = herdctl("server", "delete", server.getId(), "--force");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(refused.err()).contains("which is up").contains(host);
    assertThat(cluster.serverList()).hasSize(1);

    cluster.stopAgent(host);
    cluster.awaitHostDown(host);
    Result forced = herdctl("server", "delete", server.getId(), "--force");

    assertThat(forced.exitCode()).as(forced.err()).isEqualTo(ExitCodes.OK);
    assertThat(forced.out()).contains("force-deleted server app").contains("without reaching host " + host);
    assertThat(cluster.serverList()).isEmpty();
    assertThat(cluster.group("web").getMemberIdsList()).isEmpty();

    // the host comes back with the domain: reported as unknown, not deleted
    cluster.startAgent(host, Map.of());
    assertThat(cluster.domainsOn(host)).extracting(AgentServer::getServerId).containsExactly(server.getId());
    assertThat(herdctl("host", "show", host).out()).contains("unknown herd domains: 1", server.getId());
  }
}
