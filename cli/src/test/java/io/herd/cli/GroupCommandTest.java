package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private int groupCount() {
    return cluster.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsCount();
  }

  @Test
  void createSendsPolicyScopeAndMaxAndShowsTheGroup() {
    Result result = herdctl("group", "create", "web", "--policy", "anti-affinity", "--scope", "rack",
        "--max-per-domain", "2");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    ServerGroup stored = cluster.group("web");
    assertThat(stored.getPolicy()).isEqualTo(Policy.ANTI_AFFINITY);
    assertThat(stored.getScope()).isEqualTo(Scope.RACK);
    assertThat(stored.getMaxPerDomain()).isEqualTo(2);
    assertThat(result.out())
        .contains("name:", "web")
        .contains("policy:", "anti-affinity")
        .contains("scope:", "rack")
        .contains("max per domain:", "2")
        .contains("compliant:", "yes")
        .contains(stored.getId());
  }

  @Test
  void onHostFailureEvacuateIsSentAndShown() throws Exception {
    Result result = herdctl("group", "create", "ha", "--policy", "anti-affinity", "--on-host-failure", "evacuate");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.group("ha").getOnHostFailure()).isEqualTo(OnHostFailure.ON_HOST_FAILURE_EVACUATE);
    assertThat(result.out()).contains("on host failure:", "evacuate");
    assertThat(herdctl("group", "show", "ha").out()).containsPattern("on host failure: +evacuate\n");
    JsonNode group = JSON.readTree(herdctl("group", "show", "ha", "-o", "json").out());
    assertThat(group.get("on_host_failure").asText()).isEqualTo("ON_HOST_FAILURE_EVACUATE");
    assertThat(herdctl("group", "list").out()).containsPattern("ha\\s+anti-affinity\\s+host\\s+1\\s+evacuate\\s+0\\s+yes");
  }

  @Test
  void withoutOnHostFailureTheControllerChooses() {
    Result result = herdctl("group", "create", "web", "--policy", "affinity");
    Result none = herdctl("group", "create", "db", "--policy", "affinity", "--on-host-failure", "NONE");

    // this controller's evacuation.default_on_host_failure is its default, none
    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.group("web").getOnHostFailure()).isEqualTo(OnHostFailure.ON_HOST_FAILURE_NONE);
    assertThat(result.out()).containsPattern("on host failure: +none\n");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.group("db").getOnHostFailure()).isEqualTo(OnHostFailure.ON_HOST_FAILURE_NONE);
  }

  @Test
  void unknownOnHostFailureIsAUsageErrorListingTheChoices() {
    Result result = herdctl("group", "create", "web", "--policy", "affinity", "--on-host-failure", "migrate");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--on-host-failure").contains("'migrate' is not one of none, evacuate");
    assertThat(groupCount()).isZero();
  }

  @Test
  void policyAcceptsTheProtoEnumNameToo() {
    Result result = herdctl("group", "create", "db", "--policy", "SOFT_ANTI_AFFINITY");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.group("db").getPolicy()).isEqualTo(Policy.SOFT_ANTI_AFFINITY);
    assertThat(cluster.group("db").getScope()).isEqualTo(Scope.HOST);
  }

  @Test
  void unknownPolicyIsAUsageErrorListingTheChoices() {
    Result result = herdctl("group", "create", "web", "--policy", "spread");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("--policy")
        .contains("affinity, anti-affinity, soft-affinity, soft-anti-affinity");
    assertThat(groupCount()).isZero();
  }

  @Test
  void missingPolicyIsAUsageError() {
    Result result = herdctl("group", "create", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Missing required option: '--policy");
  }

  @Test
  void maxPerDomainIsOnlyForAntiAffinity() {
    Result result = herdctl("group", "create", "web", "--policy", "affinity", "--max-per-domain", "2");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip()).isEqualTo("herdctl: invalid argument: max_per_domain: only ANTI_AFFINITY "
        + "takes a maximum per domain; leave it 0 for AFFINITY");
    assertThat(groupCount()).isZero();
  }

  @Test
  void duplicateNameIsAConflict() {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("group", "create", "web", "--policy", "affinity");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: already exists: name: a server group named 'web' already exists; choose another name");
  }

  @Test
  void controllerRefusingAnArgumentIsExitTwoWithItsMessage() {
    Result result = herdctl("group", "create", "", "--policy", "affinity");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: invalid argument: name: required, 1–255 printable characters");
  }

  @Test
  void listShowsATableThatFitsEightyColumns() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("group", "create", "a-group-with-a-really-long-name-that-would-not-fit-in-eighty-columns",
        "--policy", "soft-anti-affinity", "--scope", "zone");

    Result result = herdctl("group", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().lines()).hasSize(3);
    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(result.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("POLICY", "SCOPE", "MAX", "ON FAILURE", "MEMBERS", "COMPLIANT");
    assertThat(result.out()).contains("web ", "anti-affinity", "soft-anti-affinity", "zone", "a-group-with");
  }

  @Test
  void listAsJsonIsTheResponseMessageWithProtoFieldNames() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web");

    Result result = herdctl("group", "list", "--output", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode group = JSON.readTree(result.out()).get("server_groups").get(0);
    assertThat(group.get("name").asText()).isEqualTo("web");
    assertThat(group.get("policy").asText()).isEqualTo("ANTI_AFFINITY");
    assertThat(group.get("scope").asText()).isEqualTo("HOST");
    assertThat(group.get("max_per_domain").isNumber()).isTrue();
    assertThat(group.get("member_ids").get(0).asText()).isEqualTo(cluster.server("app").getId());
    assertThat(group.get("compliance").get("compliant").asBoolean()).isTrue();
    assertThat(Instant.parse(group.get("created_at").asText())).isEqualTo(
        Instant.ofEpochSecond(cluster.group("web").getCreatedAt().getSeconds(), cluster.group("web").getCreatedAt().getNanos()));
  }

  @Test
  void showAsYamlCarriesTheSameTree() throws Exception {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("-o", "yaml", "group", "show", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode group = new YAMLMapper().readTree(result.out());
    assertThat(group.get("name").asText()).isEqualTo("web");
    assertThat(group.get("policy").asText()).isEqualTo("AFFINITY");
    assertThat(group.get("id").asText()).isEqualTo(cluster.group("web").getId());
  }

  @Test
  void showOfAMissingGroupIsNotFound() {
    Result result = herdctl("group", "show", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: id: no server group with id or name 'nope'");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void showOfABrokenGroupSaysWhyAndWho() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity", "--scope", "rack");
    herdctl("server", "create", "web", "--group", "web", "--count", "2", "--wait");
    Server newest = cluster.server("web-2");
    String otherRack = cluster.host(cluster.server("web-1").getHostName()).getLabels().getRack();

    // the operator moves web-2's host into web-1's rack: the group now breaks its rule
    cluster.stopAgent(newest.getHostName());
    cluster.startAgent(newest.getHostName(), Map.of("labels.rack", otherRack));
    await().atMost(RealCluster.PATIENCE).until(() -> !cluster.group("web").getCompliance().getCompliant());

    Result result = herdctl("group", "show", "web");

    assertThat(result.out())
        .contains("compliant:", "NO: anti-affinity allows 1 member(s) per rack, but rack " + otherRack + " holds 2")
        .contains("violating members: 1");
    assertThat(result.out().lines().filter(l -> l.strip().equals(newest.getId()))).hasSize(2);
    assertThat(herdctl("group", "list").out()).containsPattern("web\\s+anti-affinity\\s+rack\\s+1\\s+none\\s+2\\s+NO");
  }

  @Test
  void deleteRemovesTheGroup() {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("group", "delete", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().strip()).isEqualTo("deleted server group web");
    assertThat(groupCount()).isZero();
  }

  @Test
  void deleteOfAGroupWithMembersIsAConflictAndKeepsIt() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web");

    Result result = herdctl("group", "delete", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: failed precondition: server group 'web' still has 1 member(s); delete its servers first");
    assertThat(groupCount()).isEqualTo(1);
  }
}
