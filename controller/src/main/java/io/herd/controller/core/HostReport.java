package io.herd.controller.core;

import io.herd.common.LaunchLimits;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.placement.Resources;
import java.util.List;

/** One heartbeat of an agent, validated by the API. */
public record HostReport(
        String hostId,
        String hostName,
        String agentAddress,
        String rack,
        String zone,
        HostCapacity capacity,
        Resources usage,
        Resources foreignUsage,
        String acceleration,
        boolean degraded,
        String degradedReason,
        String agentVersion,
        List<ReportedDomain> domains,
        LaunchLimits limits,
        List<String> images,
        List<String> fencedServerIds) {

    public HostReport {
        domains = List.copyOf(domains);
        limits = limits == null ? LaunchLimits.API : limits;
        images = images == null ? List.of() : images.stream().sorted().distinct().toList();
        fencedServerIds = fencedServerIds == null ? List.of() : List.copyOf(fencedServerIds);
    }

    /** A report with no limits, images or fenced servers (an agent that reports none). */
    public HostReport(String hostId, String hostName, String agentAddress, String rack, String zone,
                      HostCapacity capacity, Resources usage, Resources foreignUsage, String acceleration,
                      boolean degraded, String degradedReason, String agentVersion, List<ReportedDomain> domains) {
        this(hostId, hostName, agentAddress, rack, zone, capacity, usage, foreignUsage, acceleration, degraded,
                degradedReason, agentVersion, domains, LaunchLimits.API, List.of(), List.of());
    }

    /**
     * A herd domain on the host. {@code running} is false for shut off, paused or crashed
     * domains; {@code starting} is true while its agent is launching it (then it is neither up
     * nor down); {@code resources} is what the domain was defined with.
     */
    public record ReportedDomain(String serverId, boolean running, String libvirtState, Resources resources,
                                 boolean starting) {
        public ReportedDomain {
            resources = resources == null ? Resources.ZERO : resources;
        }

        public ReportedDomain(String serverId, boolean running, String libvirtState, Resources resources) {
            this(serverId, running, libvirtState, resources, false);
        }
    }

    /**
     * The controller's answer: the interval it wants, the reported domains it does not know,
     * when the agent must fence itself if cut off (0: never), and the reported domains of
     * servers that live elsewhere now (to destroy).
     */
    public record Ack(long heartbeatIntervalMs, List<String> unknownServerIds, long fenceAfterMs,
                      List<String> destroyServerIds) {
    }
}
