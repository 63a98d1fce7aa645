package io.herd.cli;

import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupResponse;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServerGroupsResponse;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl group …}: ServerGroupService. */
@Command(
    name = "group",
    mixinStandardHelpOptions = true,
    description = "Server groups: their placement policy, members and compliance.",
    subcommands = {
      GroupCommand.Create.class,
      GroupCommand.ListGroups.class,
      GroupCommand.Show.class,
      GroupCommand.Delete.class
    })
final class GroupCommand {
  private GroupCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a server group (CreateServerGroup).")
  static final class Create extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Unique group name.")
    String name;

    @Option(
        names = "--policy",
        required = true,
        converter = EnumConverters.PolicyConverter.class,
        completionCandidates = EnumConverters.PolicyCandidates.class,
        description = "affinity, anti-affinity, soft-affinity or soft-anti-affinity.")
    Policy policy;

    @Option(
        names = "--scope",
        defaultValue = "host",
        converter = EnumConverters.ScopeConverter.class,
        completionCandidates = EnumConverters.ScopeCandidates.class,
        description = "Failure domain the policy counts in: host, rack or zone "
            + "(default: ${DEFAULT-VALUE}).")
    Scope scope;

    @Option(
        names = "--max-per-domain",
        paramLabel = "N",
        defaultValue = "0",
        description = "anti-affinity only: most members in one domain (default 1).")
    int maxPerDomain;

    @Option(
        names = "--on-host-failure",
        paramLabel = "ACTION",
        converter = EnumConverters.OnHostFailureConverter.class,
        completionCandidates = EnumConverters.OnHostFailureCandidates.class,
        description = "What happens to members on a host that goes DOWN: none (they wait for the operator)"
            + " or evacuate (after the controller's grace period, each is placed again under the group's"
            + " rules and launched from its image elsewhere). Default: the controller's choice"
            + " (evacuation.default_on_host_failure), fixed when the group is created.")
    OnHostFailure onHostFailure = OnHostFailure.ON_HOST_FAILURE_UNSPECIFIED;

    @Override
    int run(ControllerClient client) {
      ServerGroup group =
          client
              .groups()
              .createServerGroup(
                  CreateServerGroupRequest.newBuilder()
                      .setName(name)
                      .setPolicy(policy)
                      .setScope(scope)
                      .setMaxPerDomain(maxPerDomain)
                      .setOnHostFailure(onHostFailure)
                      .build());
      output().print(group, () -> GroupView.details(group));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List server groups (ListServerGroups).")
  static final class ListGroups extends ControllerCommand {
    @Override
    int run(ControllerClient client) {
      ListServerGroupsResponse response =
          client.groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance());
      Output output = output();
      output.print(response, () -> GroupView.table(response.getServerGroupsList(), output.width()));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one server group with its members and compliance (GetServerGroup).")
  static final class Show extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "Group id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      ServerGroup group =
          client.groups().getServerGroup(GetServerGroupRequest.newBuilder().setId(id).build());
      output().print(group, () -> GroupView.details(group));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete an empty server group (DeleteServerGroup).")
  static final class Delete extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "Group id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      DeleteServerGroupResponse response =
          client
              .groups()
              .deleteServerGroup(DeleteServerGroupRequest.newBuilder().setId(id).build());
      output().print(response, () -> "deleted server group " + id + "\n");
      return ExitCodes.OK;
    }
  }

  /** Tables and details of server groups. */
  static final class GroupView {
    private GroupView() {}

    static String table(List<ServerGroup> groups, int width) {
      Table table =
          new Table("NAME", "POLICY", "SCOPE", "MAX", "ON FAILURE", "MEMBERS", "COMPLIANT")
              .shrinkable("NAME");
      for (ServerGroup group : groups) {
        table.row(
            group.getName(),
            Names.policy(group.getPolicy()),
            Names.scope(group.getScope()),
            Integer.toString(group.getMaxPerDomain()),
            Names.onHostFailure(group.getOnHostFailure()),
            Integer.toString(group.getMemberIdsCount()),
            group.getCompliance().getCompliant() ? "yes" : "NO");
      }
      return table.render(width);
    }

    static String details(ServerGroup group) {
      Details details =
          new Details()
              .add("id", group.getId())
              .add("name", group.getName())
              .add("policy", Names.policy(group.getPolicy()))
              .add("scope", Names.scope(group.getScope()))
              .add("max per domain", group.getMaxPerDomain())
              .add("on host failure", Names.onHostFailure(group.getOnHostFailure()))
              .list("members", group.getMemberIdsList());
      if (group.getCompliance().getCompliant()) {
        details.add("compliant", "yes");
      } else {
        details
            .add("compliant", "NO: " + group.getCompliance().getReason())
            .list("violating members", group.getCompliance().getViolatingMemberIdsList());
      }
      return details.add("created", Names.time(group.getCreatedAt())).render();
    }
  }
}
