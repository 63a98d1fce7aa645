package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import org.junit.jupiter.api.Test;

class GroupCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void createSendsPolicyScopeAndMaxAndShowsTheGroup() {
    Result result = herdctl("group", "create", "web", "--policy", "anti-affinity", "--scope", "rack",
        "--max-per-domain", "2");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    ServerGroup stored = fake.group("web");
    assertThat(stored.getPolicy()).isEqualTo(Policy.ANTI_AFFINITY);
    assertThat(stored.getScope()).isEqualTo(Scope.RACK);
    assertThat(stored.getMaxPerDomain()).isEqualTo(2);
    assertThat(result.out())
        .contains("name:", "web")
        .contains("policy:", "anti-affinity")
        .contains("scope:", "rack")
        .contains("compliant:", "yes")
        .contains(stored.getId());
  }

  @Test
  void policyAcceptsTheProtoEnumNameToo() {
    Result result = herdctl("group", "create", "db", "--policy", "SOFT_ANTI_AFFINITY");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(fake.group("db").getPolicy()).isEqualTo(Policy.SOFT_ANTI_AFFINITY);
    assertThat(fake.group("db").getScope()).isEqualTo(Scope.HOST);
  }

  @Test
  void unknownPolicyIsAUsageErrorListingTheChoices() {
    Result result = herdctl("group", "create", "web", "--policy", "spread");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err())
        .contains("--policy")
        .contains("affinity, anti-affinity, soft-affinity, soft-anti-affinity");
    assertThat(fake.groups).isEmpty();
  }

  @Test
  void missingPolicyIsAUsageError() {
    Result result = herdctl("group", "create", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Missing required option: '--policy");
  }

  @Test
  void duplicateNameIsAConflict() {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("group", "create", "web", "--policy", "affinity");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: already exists: a server group named web exists");
  }

  @Test
  void controllerRefusingAnArgumentIsExitTwoWithItsMessage() {
    Result result = herdctl("group", "create", "", "--policy", "affinity");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("invalid argument: name: must be 1–255 printable characters");
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
        .contains("POLICY", "SCOPE", "MAX", "MEMBERS", "COMPLIANT");
    assertThat(result.out()).contains("web ", "anti-affinity", "soft-anti-affinity", "zone", "a-group-with");
  }

  @Test
  void listAsJsonIsTheResponseMessageWithProtoFieldNames() throws Exception {
    herdctl("group", "create", "web", "--policy", "anti-affinity");

    Result result = herdctl("group", "list", "--output", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode root = JSON.readTree(result.out());
    JsonNode group = root.get("server_groups").get(0);
    assertThat(group.get("name").asText()).isEqualTo("web");
    assertThat(group.get("policy").asText()).isEqualTo("ANTI_AFFINITY");
    assertThat(group.get("scope").asText()).isEqualTo("HOST");
    assertThat(group.get("max_per_domain").isNumber()).isTrue();
    assertThat(group.get("member_ids").isArray()).isTrue();
    assertThat(group.get("compliance").get("compliant").asBoolean()).isTrue();
    assertThat(group.get("created_at").asText()).isEqualTo("2027-01-15T08:00:00Z");
  }

  @Test
  void showAsYamlCarriesTheSameTree() throws Exception {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("-o", "yaml", "group", "show", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode group = new YAMLMapper().readTree(result.out());
    assertThat(group.get("name").asText()).isEqualTo("web");
    assertThat(group.get("policy").asText()).isEqualTo("AFFINITY");
    assertThat(group.get("id").asText()).isEqualTo(fake.group("web").getId());
  }

  @Test
  void showOfAMissingGroupIsNotFound() {
    Result result = herdctl("group", "show", "nope");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: server group nope does not exist");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void showOfABrokenGroupSaysWhyAndWho() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    ServerGroup web = fake.group("web");
    fake.groups.put(web.getId(), web.toBuilder()
        .addMemberIds("m-1").addMemberIds("m-2")
        .setCompliance(web.getCompliance().toBuilder().setCompliant(false)
            .setReason("2 members on host hv-1 (max 1)").addViolatingMemberIds("m-2"))
        .build());

    Result result = herdctl("group", "show", "web");

    assertThat(result.out()).contains("NO: 2 members on host hv-1 (max 1)").contains("violating members:");
    assertThat(result.out().lines().filter(l -> l.strip().equals("m-2"))).hasSize(2);
  }

  @Test
  void deleteRemovesTheGroup() {
    herdctl("group", "create", "web", "--policy", "affinity");

    Result result = herdctl("group", "delete", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().strip()).isEqualTo("deleted server group web");
    assertThat(fake.groups).isEmpty();
  }

  @Test
  void deleteOfAGroupWithMembersIsAConflictAndKeepsIt() {
    herdctl("group", "create", "web", "--policy", "anti-affinity");
    herdctl("server", "create", "app", "--group", "web");

    Result result = herdctl("group", "delete", "web");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(result.err()).contains("failed precondition: server group web has 1 members: delete them first");
    assertThat(fake.groups).hasSize(1);
  }
}
