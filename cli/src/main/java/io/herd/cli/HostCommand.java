package io.herd.cli;

import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListHostsResponse;
import io.herd.api.v1.SetHostSchedulableRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl host …}: HostService. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Hypervisors: capacity, usage, liveness, approving new ones, taking them out of"
        + " placement, and moving their servers away.",
    subcommands = {
      HostCommand.ListHosts.class,
      HostCommand.Show.class,
      HostCommand.Cordon.class,
      HostCommand.Uncordon.class,
      HostCommand.Approve.class,
      HostMoveCommands.Drain.class,
      HostMoveCommands.Evacuate.class
    })
final class HostCommand {
  private HostCommand() {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List hosts (ListHosts).")
  static final class ListHosts extends ControllerCommand {
    @Override
    int run(ControllerClient client) {
      ListHostsResponse response = client.hosts().listHosts(ListHostsRequest.getDefaultInstance());
      Output output = output();
      output.print(response, () -> HostView.table(response.getHostsList(), output.width()));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one host in full (GetHost).")
  static final class Show extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      Host host = client.hosts().getHost(GetHostRequest.newBuilder().setId(id).build());
      output().print(host, () -> HostView.details(host));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "cordon",
      mixinStandardHelpOptions = true,
      description = "Take a host out of placement; its servers stay (SetHostSchedulable).")
  static final class Cordon extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "Why, for other operators.")
    String reason;

    @Override
    int run(ControllerClient client) {
      Host host =
          client
              .hosts()
              .setHostSchedulable(
                  SetHostSchedulableRequest.newBuilder()
                      .setId(id)
                      .setSchedulable(false)
                      .setReason(reason)
                      .build());
      output().print(host, () -> "cordoned host " + host.getName() + ": " + reason + "\n");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "uncordon",
      mixinStandardHelpOptions = true,
      description = "Put a host back into placement (SetHostSchedulable).")
  static final class Uncordon extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      Host host =
          client
              .hosts()
              .setHostSchedulable(
                  SetHostSchedulableRequest.newBuilder().setId(id).setSchedulable(true).build());
      output().print(host, () -> "uncordoned host " + host.getName() + "\n");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Let a host that awaits approval take servers (ApproveHost); for a controller with"
          + " hosts.require_approval. Approving an approved host changes nothing.")
  static final class Approve extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "HOST", description = "Host id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      Host host = client.hosts().approveHost(ApproveHostRequest.newBuilder().setId(id).build());
      output().print(host, () -> "approved host " + host.getName() + "\n");
      return ExitCodes.OK;
    }
  }
}
