package io.herd.controller.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One step in a server's life that placed or moved it.
 *
 * @param fromHostId the host it left; empty when it was placed
 * @param toHostId   the host it went to; empty when it was fenced
 */
public record HistoryEntry(String serverId, Instant at, Event event, String fromHostId, String toHostId,
                           String message) {

    /** What happened. */
    public enum Event {
        /** Placed on a host when created. */
        PLACED,
        /** Its launch failed; placed again on another host. */
        LAUNCH_RETRIED,
        /** Its host was DOWN (or evacuated by the operator); placed again elsewhere. */
        EVACUATED,
        /** Moved by a migration or a drain. */
        MIGRATED,
        /** Its agent destroyed the domain while cut off from the controller. */
        FENCED
    }

    public HistoryEntry {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(event, "event");
        fromHostId = fromHostId == null ? "" : fromHostId;
        toHostId = toHostId == null ? "" : toHostId;
        message = message == null ? "" : message;
    }
}
