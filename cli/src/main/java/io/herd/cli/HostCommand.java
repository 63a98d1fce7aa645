package io.herd.cli;

import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListHostsResponse;
import io.herd.api.v1.Resources;
import io.herd.api.v1.SetHostSchedulableRequest;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl host …}: HostService. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Hypervisors: capacity, usage, liveness, and taking them out of placement.",
    subcommands = {
      HostCommand.ListHosts.class,
      HostCommand.Show.class,
      HostCommand.Cordon.class,
      HostCommand.Uncordon.class
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

    @Option(names = "--reason", required = true, description = "Why, for other operators.")
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

  /** Tables and details of hosts. */
  static final class HostView {
    private HostView() {}

    /** up, down, cordoned or degraded: what matters most to placement first. */
    static String status(Host host) {
      if (!host.getUp()) {
        return "down";
      }
      if (!host.getSchedulable()) {
        return "cordoned";
      }
      return host.getDegraded() ? "degraded" : "up";
    }

    static String table(List<Host> hosts, int width) {
      Table table =
          new Table("NAME", "RACK", "ZONE", "STATUS", "ACCEL", "VCPUS", "MEMORY", "DISK", "VMS")
              .shrinkable("NAME", "RACK", "ZONE");
      for (Host host : hosts) {
        Resources used = host.getAllocated();
        Resources total = host.getAllocatable();
        table.row(
            host.getName(),
            Names.orDash(host.getLabels().getRack()),
            Names.orDash(host.getLabels().getZone()),
            status(host),
            Names.acceleration(host.getAcceleration()),
            used.getVcpus() + "/" + total.getVcpus(),
            Sizes.formatMib(used.getMemoryMib()) + "/" + Sizes.formatMib(total.getMemoryMib()),
            Sizes.formatGib(used.getDiskGib()) + "/" + Sizes.formatGib(total.getDiskGib()),
            Integer.toString(host.getServerCount()));
      }
      return table.render(width);
    }

    static String details(Host host) {
      HostCapacity capacity = host.getCapacity();
      Details details =
          new Details()
              .add("id", host.getId())
              .add("name", host.getName())
              .add("rack", Names.orDash(host.getLabels().getRack()))
              .add("zone", Names.orDash(host.getLabels().getZone()))
              .add("status", status(host))
              .add("schedulable", host.getSchedulable() ? "yes" : "no: " + host.getUnschedulableReason());
      if (host.getDegraded()) {
        details.add("degraded", host.getDegradedReason());
      }
      details
          .add("acceleration", Names.acceleration(host.getAcceleration()))
          .add("agent", host.getAgentAddress() + " (version " + Names.orDash(host.getAgentVersion()) + ")")
          .add("last heartbeat", Names.time(host.getLastHeartbeat()))
          .add(
              "hardware",
              capacity.getCpus() + " cpus, " + Sizes.formatMib(capacity.getMemoryMib()) + " memory, "
                  + Sizes.formatGib(capacity.getDiskFreeGib()) + " of "
                  + Sizes.formatGib(capacity.getDiskTotalGib()) + " disk free")
          .add(
              "reserved",
              capacity.getReservedCpus() + " cpus, " + Sizes.formatMib(capacity.getReservedMemoryMib())
                  + " memory, " + Sizes.formatGib(capacity.getReservedDiskGib()) + " disk")
          .add(
              "allocation ratios",
              String.format(
                  Locale.ROOT,
                  "cpu %.2f, ram %.2f",
                  capacity.getCpuAllocationRatio(),
                  capacity.getRamAllocationRatio()))
          .add("allocatable", resources(host.getAllocatable()))
          .add("allocated", resources(host.getAllocated()))
          .add("foreign usage", resources(host.getForeignUsage()))
          .add("servers", host.getServerCount())
          .list("unknown herd domains", host.getUnknownServerIdsList());
      return details.render();
    }

    static String resources(Resources resources) {
      return resources.getVcpus() + " vcpus, " + Sizes.formatMib(resources.getMemoryMib())
          + " memory, " + Sizes.formatGib(resources.getDiskGib()) + " disk";
    }
  }
}
