package io.herd.cli;

import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.Resources;
import java.util.List;
import java.util.Locale;

/** Tables and details of hosts. */
final class HostView {
  private HostView() {}

  /**
   * down, degraded, unapproved, evacuated, cordoned or up: the first that applies, in the order
   * that matters to placement and to the servers on the host. The controller's
   * not_placeable_reason says which one keeps a host from taking servers ("evacuated" only while
   * an operator's evacuation is in force on a host that is not down).
   */
  static String status(Host host) {
    if (!host.getUp()) {
      return "down";
    }
    if (host.getDegraded()) {
      return "degraded";
    }
    if (awaitsApproval(host)) {
      return "unapproved";
    }
    if (host.getNotPlaceableReason().startsWith("evacuated")) {
      return "evacuated";
    }
    return host.getSchedulable() ? "up" : "cordoned";
  }

  /**
   * Whether the host waits for {@code herdctl host approve}. A controller from before approval
   * sends approved = false for every host (proto3's default), so its reason decides too.
   */
  static boolean awaitsApproval(Host host) {
    return !host.getApproved() && host.getNotPlaceableReason().startsWith("awaiting approval");
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
            .add("takes new servers", host.getNotPlaceableReason().isEmpty()
                ? "yes" : "no: " + host.getNotPlaceableReason())
            .add("schedulable", host.getSchedulable() ? "yes" : "no: " + host.getUnschedulableReason());
    if (awaitsApproval(host)) {
      details.add("approved", "no (awaiting herdctl host approve " + host.getName() + ")");
    }
    if (host.getDegraded()) {
      details.add("degraded", host.getDegradedReason());
    }
    if (host.hasEvacuateAt()) {
      details.add("evacuate at", Names.time(host.getEvacuateAt())
          + " (its servers of evacuate groups are placed elsewhere then)");
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
        .add("largest server", limits(host.getLimits()))
        .add("servers", host.getServerCount())
        .list("images", host.getImagesList())
        .list("unknown herd domains", host.getUnknownServerIdsList());
    return details.render();
  }

  static String resources(Resources resources) {
    return resources.getVcpus() + " vcpus, " + Sizes.formatMib(resources.getMemoryMib())
        + " memory, " + Sizes.formatGib(resources.getDiskGib()) + " disk";
  }

  /** The largest server the agent accepts; "-" where it did not say (the API's bound applies). */
  static String limits(LaunchLimits limits) {
    return (limits.getMaxVcpus() == 0 ? "-" : Integer.toString(limits.getMaxVcpus())) + " vcpus, "
        + (limits.getMaxMemoryMib() == 0 ? "-" : Sizes.formatMib(limits.getMaxMemoryMib())) + " memory, "
        + (limits.getMaxDiskGib() == 0 ? "-" : Sizes.formatGib(limits.getMaxDiskGib())) + " disk";
  }
}
