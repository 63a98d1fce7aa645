package io.herd.controller.core;

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
        List<ReportedDomain> domains) {

    public HostReport {
        domains = List.copyOf(domains);
    }

    /**
     * A herd domain on the host. {@code running} is false for shut off, paused or crashed
     * domains; {@code resources} is what the domain was defined with.
     */
    public record ReportedDomain(String serverId, boolean running, String libvirtState, Resources resources) {
        public ReportedDomain {
            resources = resources == null ? Resources.ZERO : resources;
        }
    }

    /** The controller's answer: the interval it wants, and the reported domains it does not know. */
    public record Ack(long heartbeatIntervalMs, List<String> unknownServerIds) {
    }
}
