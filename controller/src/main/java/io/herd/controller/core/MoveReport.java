package io.herd.controller.core;

import java.util.List;

/** What an evacuation or a drain did: the host after it, the servers moved, and those left with why. */
public record MoveReport(HostView host, List<Moved> moved, List<Left> left) {

    public MoveReport {
        moved = List.copyOf(moved);
        left = List.copyOf(left);
    }

    /** A server now BUILDING on another host. */
    public record Moved(String serverId, String serverName, String toHostId, String toHostName) {
    }

    /** A server left where it is. */
    public record Left(String serverId, String serverName, String reason) {
    }
}
