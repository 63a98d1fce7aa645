package io.herd.controller.core;

import io.herd.controller.model.HostFailurePolicy;
import java.time.Duration;

/**
 * What the core takes from the configuration.
 *
 * @param heartbeatInterval    interval agents are asked to heartbeat at; 3 missed make a host DOWN
 * @param maxGroups            most server groups, 0 = no limit
 * @param maxMembersPerGroup   most servers in one group, 0 = no limit
 * @param launchRetries        other hosts tried after a failed launch
 * @param gracePeriod          how long a host is DOWN before its EVACUATE members are placed elsewhere
 * @param defaultOnHostFailure what a group created without a choice does on host failure
 * @param parallelism          agent calls (launches, deletes) in flight at once, across all agents
 * @param perHostParallelism   agent calls in flight at once to one agent
 * @param requireApproval      a new host takes no servers until an operator approves it
 * @param maxHosts             most hosts registered at once
 */
public record CoreSettings(Duration heartbeatInterval, int maxGroups, int maxMembersPerGroup, int launchRetries,
                           Duration gracePeriod, HostFailurePolicy defaultOnHostFailure, int parallelism,
                           int perHostParallelism, boolean requireApproval, int maxHosts) {

    /** The most hosts registered at once unless configured otherwise. */
    public static final int DEFAULT_MAX_HOSTS = 100_000;

    public static final int MISSED_HEARTBEATS_FOR_DOWN = 3;
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(60);

    /** Defaults for the rest: a 60 s grace period, NONE, 32 calls in flight, 4 per agent. */
    public CoreSettings(Duration heartbeatInterval, int maxGroups, int maxMembersPerGroup, int launchRetries) {
        this(heartbeatInterval, maxGroups, maxMembersPerGroup, launchRetries, DEFAULT_GRACE_PERIOD,
                HostFailurePolicy.NONE, 32, 4);
    }

    /** Hosts need no approval, and at most {@link #DEFAULT_MAX_HOSTS}. */
    public CoreSettings(Duration heartbeatInterval, int maxGroups, int maxMembersPerGroup, int launchRetries,
                        Duration gracePeriod, HostFailurePolicy defaultOnHostFailure, int parallelism,
                        int perHostParallelism) {
        this(heartbeatInterval, maxGroups, maxMembersPerGroup, launchRetries, gracePeriod, defaultOnHostFailure,
                parallelism, perHostParallelism, false, DEFAULT_MAX_HOSTS);
    }

    public Duration downAfter() {
        return heartbeatInterval.multipliedBy(MISSED_HEARTBEATS_FOR_DOWN);
    }

    /**
     * How long an agent that cannot reach the controller waits before it destroys its
     * EVACUATE members' domains: halfway through the grace period, measured from its last
     * answered heartbeat. The controller evacuates a host only after {@link #downAfter} plus
     * the whole grace period since its last heartbeat, so the agent has fenced by then.
     */
    public Duration fenceAfter() {
        return downAfter().plus(Duration.ofNanos(gracePeriod.toNanos() / 2));
    }

    public CoreSettings withGracePeriod(Duration grace) {
        return new CoreSettings(heartbeatInterval, maxGroups, maxMembersPerGroup, launchRetries, grace,
                defaultOnHostFailure, parallelism, perHostParallelism, requireApproval, maxHosts);
    }

    public CoreSettings withDefaultOnHostFailure(HostFailurePolicy policy) {
        return new CoreSettings(heartbeatInterval, maxGroups, maxMembersPerGroup, launchRetries, gracePeriod, policy,
                parallelism, perHostParallelism, requireApproval, maxHosts);
    }

    public CoreSettings withHostRules(boolean approval, int hosts) {
        return new CoreSettings(heartbeatInterval, maxGroups, maxMembersPerGroup, launchRetries, gracePeriod,
                defaultOnHostFailure, parallelism, perHostParallelism, approval, hosts);
    }
}
