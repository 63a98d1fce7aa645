package io.herd.controller.core;

import java.time.Duration;

/**
 * What the core takes from the configuration.
 *
 * @param heartbeatInterval    interval agents are asked to heartbeat at; 3 missed make a host DOWN
 * @param maxGroups            most server groups, 0 = no limit
 * @param maxMembersPerGroup   most servers in one group, 0 = no limit
 * @param launchRetries        other hosts tried after a failed launch
 */
public record CoreSettings(Duration heartbeatInterval, int maxGroups, int maxMembersPerGroup, int launchRetries) {

    public static final int MISSED_HEARTBEATS_FOR_DOWN = 3;

    public Duration downAfter() {
        return heartbeatInterval.multipliedBy(MISSED_HEARTBEATS_FOR_DOWN);
    }
}
