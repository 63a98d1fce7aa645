package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many servers are in each status and hosts in each state at one moment, and how long
 * ago each host that is up last heartbeated: what the controller's gauges show at a scrape.
 *
 * @param servers            servers by status (every status present, 0 when none)
 * @param hosts              hosts by state (every state present)
 * @param heartbeatAgesSeconds the age of each up host's last heartbeat, seconds, sorted
 * @param nonCompliantGroups groups whose hard policy does not hold over their members
 */
public record StateCounts(Map<ServerStatus, Integer> servers, Map<HostState, Integer> hosts,
                          double[] heartbeatAgesSeconds, int nonCompliantGroups) {

    /** One state per host, the first that holds in this order. */
    public enum HostState {
        /** Not heartbeating (or not yet, since this controller began leading). */
        DOWN,
        /** Heartbeating, but its agent cannot reach libvirt. */
        DEGRADED,
        /** Up, but an operator took it out of placement (or has not approved it yet). */
        CORDONED,
        /** Up and taking servers. */
        UP
    }

    /**
     * @param serversByStatus how many servers are in each status, by ordinal
     * @param hosts           every host
     * @param lastHeartbeats  each host's last heartbeat, in the order of {@code hosts}
     */
    static StateCounts of(int[] serversByStatus, List<HostRecord> hosts, List<Instant> lastHeartbeats, Instant now,
                          int nonCompliantGroups) {
        Map<ServerStatus, Integer> byStatus = new EnumMap<>(ServerStatus.class);
        for (ServerStatus status : ServerStatus.values()) {
            byStatus.put(status, serversByStatus[status.ordinal()]);
        }
        Map<HostState, Integer> byState = new EnumMap<>(HostState.class);
        for (HostState state : HostState.values()) {
            byState.put(state, 0);
        }
        double[] ages = new double[hosts.size()];
        int up = 0;
        for (int i = 0; i < hosts.size(); i++) {
            HostRecord h = hosts.get(i);
            byState.merge(stateOf(h), 1, Integer::sum);
            if (h.up()) {
                ages[up++] = Math.max(0, Duration.between(lastHeartbeats.get(i), now).toNanos() / 1e9);
            }
        }
        double[] upAges = Arrays.copyOf(ages, up);
        Arrays.sort(upAges);
        return new StateCounts(byStatus, byState, upAges, nonCompliantGroups);
    }

    private static HostState stateOf(HostRecord h) {
        if (!h.up()) {
            return HostState.DOWN;
        }
        if (h.degraded()) {
            return HostState.DEGRADED;
        }
        if (!h.schedulable() || !h.approved()) {
            return HostState.CORDONED;
        }
        return HostState.UP;
    }

    /** The q-quantile (0–1) of the heartbeat ages, nearest rank; NaN when no host is up. */
    public double heartbeatAgeQuantile(double q) {
        if (heartbeatAgesSeconds.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * heartbeatAgesSeconds.length) - 1;
        return heartbeatAgesSeconds[Math.max(0, Math.min(rank, heartbeatAgesSeconds.length - 1))];
    }
}
