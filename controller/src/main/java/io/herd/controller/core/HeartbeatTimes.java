package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When each host last heartbeated, kept apart from its record (under the inventory's lock). A
 * heartbeat that changes nothing writes two numbers here and replaces no record: it writes no
 * reference into the inventory's long-lived maps for the collector to scan at its next pause,
 * and leaves nothing behind for it to copy. A record's own time is that of the last heartbeat
 * that changed it.
 */
final class HeartbeatTimes {

    private final Map<String, Slot> slots = new HashMap<>();

    void heard(String hostId, Instant at) {
        Slot slot = slots.get(hostId);
        if (slot == null) {
            slots.put(hostId, new Slot(at));
        } else {
            slot.set(at);
        }
    }

    /** The host's last heartbeat: its record's time, or a later one written here. */
    Instant last(HostRecord h) {
        Slot slot = slots.get(h.id());
        if (slot == null) {
            return h.lastHeartbeat();
        }
        Instant at = slot.get();
        return at.isAfter(h.lastHeartbeat()) ? at : h.lastHeartbeat();
    }

    /**
     * Whether the host's last heartbeat ({@link #last}) is before {@code cutoff}: read in place,
     * without making an {@code Instant}, as the liveness check asks it of every host every tick.
     */
    boolean before(HostRecord h, Instant cutoff) {
        Slot slot = slots.get(h.id());
        return (slot == null || slot.before(cutoff)) && h.lastHeartbeat().isBefore(cutoff);
    }

    /** The record with its last heartbeat's time; the record itself when that is its own. */
    HostRecord current(HostRecord h) {
        Instant at = last(h);
        return at.equals(h.lastHeartbeat()) ? h : h.withLastHeartbeat(at);
    }

    /** A time as numbers, written in place. */
    private static final class Slot {
        private long seconds;
        private int nanos;

        Slot(Instant at) {
            set(at);
        }

        void set(Instant at) {
            seconds = at.getEpochSecond();
            nanos = at.getNano();
        }

        boolean before(Instant t) {
            return seconds < t.getEpochSecond() || seconds == t.getEpochSecond() && nanos < t.getNano();
        }

        Instant get() {
            return Instant.ofEpochSecond(seconds, nanos);
        }
    }
}
