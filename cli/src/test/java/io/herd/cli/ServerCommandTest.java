package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.Host;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void createSendsSizesInTheirUnits() {
    Result result = herdctl("server", "create", "app", "--vcpus", "2", "--memory", "4G", "--disk", "20G",
        "--image", "debian-12", "--network", "default", "--request-id", "r-1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    Server server = fake.servers.values().iterator().next();
    assertThat(server.getVcpus()).isEqualTo(2);
    assertThat(server.getMemoryMib()).isEqualTo(4096);
    assertThat(server.getDiskGib()).isEqualTo(20);
    assertThat(server.getImage()).isEqualTo("debian-12");
    assertThat(server.getRequestId()).isEqualTo("r-1");
    assertThat(result.out()).contains(server.getId()).contains("BUILDING").contains("hv-1");
  }

  @Test
  void bareNumbersAreMibForMemoryAndGibForDisk() {
    herdctl("server", "create", "app", "--memory", "1536", "--disk", "3");

    Server server = fake.servers.values().iterator().next();
    assertThat(server.getMemoryMib()).isEqualTo(1536);
    assertThat(server.getDiskGib()).isEqualTo(3);
  }

  @Test
  void badSizeIsAUsageErrorNamingTheOptionAndSendsNothing() {
    Result result = herdctl("server", "create", "app", "--memory", "4X");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--memory").contains("unknown unit 'X'");
    assertThat(fake.servers).isEmpty();
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
    assertThat(fake.servers.values()).extracting(Server::getName).containsExactly("web-1", "web-2", "web-3");
    assertThat(result.out()).contains("\"replayed\" : false");
  }

  @Test
  void repeatedRequestIdSaysSoAndCreatesNothingNew() {
    herdctl("server", "create", "app", "--request-id", "once");

    Result again = herdctl("server", "create", "app", "--request-id", "once");

    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(fake.servers).hasSize(1);
    assertThat(again.err()).contains("request id once was used before");
  }

  @Test
  void noValidHostPrintsTheWholeExplanationAndExitsFour() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "3");

    Result result = herdctl("server", "create", "web-4", "--group", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NO_VALID_HOST);
    assertThat(result.err()).isEqualTo("herdctl: resource exhausted: " + FakeController.NO_VALID_HOST + "\n");
    assertThat(result.out()).isEmpty();
    assertThat(fake.servers).hasSize(3);
  }

  @Test
  void controllerValidationErrorIsExitTwo() {
    Result result = herdctl("server", "create", "tiny", "--memory", "8M");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip()).isEqualTo("herdctl: invalid argument: memory_mib: must be at least 16, not 8");
  }

  @Test
  void waitFollowsTheWatchUntilEveryServerIsActiveThenLetsGoOfTheStream() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");

    Result result = herdctl("server", "create", "web", "--group", "web", "--count", "3", "--wait");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.err())
        .contains("waiting for 3 server(s) to become ACTIVE or ERROR")
        .contains("server web-1 is BUILDING on hv-1 (0 of 3 settled)")
        .contains("server web-3 is ACTIVE on hv-3 (3 of 3 settled)");
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).contains("ACTIVE"));
    // The fake keeps the stream open: herdctl must cancel it itself once all are settled.
    assertThat(fake.watchCancelled.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void waitEndingInErrorExitsSevenWithTheReason() throws Exception {
    Result result = herdctl("server", "create", "doomed", "--count", "2", "--wait", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.SERVER_ERROR);
    assertThat(result.err())
        .contains("server doomed-1 is ERROR on hv-1: libvirt: Cannot access storage file 'missing.qcow2' (1 of 2 settled)")
        .contains("herdctl: server doomed-2 is ERROR: libvirt: Cannot access storage file 'missing.qcow2'");
    JsonNode servers = JSON.readTree(result.out()).get("servers");
    assertThat(servers).hasSize(2);
    assertThat(servers.get(0).get("state").asText()).isEqualTo("SERVER_STATE_ERROR");
  }

  @Test
  void waitGivesUpAtItsTimeoutNamingTheServersStillBuilding() {
    Result result = herdctl("server", "create", "stuck", "--wait", "--wait-timeout", "1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.err()).contains("herdctl: gave up waiting after 1 s; not settled: stuck (BUILDING)");
  }

  @Test
  void waitReopensAWatchTheControllerEndsAndStillSettles() {
    fake.completeWatch = true;

    Result result = herdctl("server", "create", "app", "--wait");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).contains("server app is ACTIVE on hv-1 (1 of 1 settled)");
  }

  @Test
  void listFiltersByGroupAndState() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "web", "--group", "web", "--count", "2", "--wait");
    herdctl("server", "create", "lonely");

    Result inGroup = herdctl("server", "list", "--group", "web", "--output", "json");
    Result building = herdctl("server", "list", "--state", "building");

    JsonNode servers = JSON.readTree(inGroup.out()).get("servers");
    assertThat(servers).hasSize(2);
    assertThat(servers.get(0).get("memory_mib").asLong()).isEqualTo(512);
    assertThat(servers.get(0).get("state").asText()).isEqualTo("SERVER_STATE_ACTIVE");
    assertThat(building.out()).contains("lonely").doesNotContain("web-1");
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
    herdctl("server", "create", "a-server-name-long-enough-to-need-cutting-down-to-size", "--count", "2");

    Result result = herdctl("server", "list");

    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    for (Server server : fake.servers.values()) {
      assertThat(result.out()).contains(server.getId());
    }
    assertThat(result.out()).contains("a-server-name-long-enough~  BUILDING");
  }

  @Test
  void showPrintsEveryDetail() {
    herdctl("server", "create", "app", "--vcpus", "4", "--memory", "1.5G", "--disk", "10", "--image", "deb");
    String id = fake.servers.keySet().iterator().next();

    Result result = herdctl("server", "show", id);

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("id:", id)
        .contains("vcpus:", "4")
        .contains("1.5G (1536 MiB)")
        .contains("disk:", "10G")
        .contains("image:", "deb")
        .contains("host:", "hv-1");
  }

  @Test
  void showOfAMissingServerIsNotFound() {
    Result result = herdctl("server", "show", "no-such-id");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: server no-such-id does not exist");
  }

  @Test
  void deleteRemovesTheServerAndItsMembership() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web");
    String id = fake.servers.keySet().iterator().next();

    Result result = herdctl("server", "delete", id, "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).contains("\"state\" : \"SERVER_STATE_DELETING\"");
    assertThat(fake.servers).isEmpty();
    assertThat(fake.group("web").getMemberIdsList()).isEmpty();
  }

  @Test
  void deleteWithForceAsksForceAndIsRefusedWhileTheHostIsUp() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web");
    Server server = fake.servers.values().iterator().next();

    Result refused = herdctl("server", "delete", server.getId(), "--force");

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(refused.err()).contains("which is up").contains(server.getHostName());
    assertThat(fake.servers).containsKey(server.getId());
    assertThat(fake.deleteRequests).singleElement().satisfies(r -> assertThat(r.getForce()).isTrue());

    Host host = fake.hosts.get(server.getHostId());
    fake.hosts.put(host.getId(), host.toBuilder().setUp(false).build());
    Result forced = herdctl("server", "delete", server.getId(), "--force");

    assertThat(forced.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(forced.out()).contains("force-deleted server app").contains(server.getHostName());
    assertThat(fake.servers).isEmpty();
    assertThat(fake.group("web").getMemberIdsList()).isEmpty();
  }

  @Test
  void deleteWithoutForceDoesNotAskForce() {
    herdctl("server", "create", "app");
    String id = fake.servers.keySet().iterator().next();

    assertThat(herdctl("server", "delete", id).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(fake.deleteRequests).singleElement().satisfies(r -> assertThat(r.getForce()).isFalse());
  }

  @Test
  void watchPrintsOneJsonObjectPerEvent() throws Exception {
    herdctl("server", "create", "app", "--count", "2");
    fake.completeWatch = true;

    Result result = herdctl("server", "watch", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(JSON.readTree(lines.get(0)).get("kind").asText()).isEqualTo("KIND_SNAPSHOT");
    assertThat(JSON.readTree(lines.get(3)).get("kind").asText()).isEqualTo("KIND_CHANGED");
    assertThat(JSON.readTree(lines.get(3)).get("server").get("state").asText()).isEqualTo("SERVER_STATE_ACTIVE");
  }

  @Test
  void watchTableLinesNameKindStateAndHost() {
    herdctl("server", "create", "app");
    String id = fake.servers.keySet().iterator().next();
    fake.completeWatch = true;

    Result result = herdctl("server", "watch", "--id", id);

    assertThat(result.out().lines().toList())
        .containsExactly(
            "snapshot  " + id + "  BUILDING  app on hv-1",
            "changed   " + id + "  ACTIVE    app on hv-1");
    assertThat(fake.server(id).getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
  }
}
