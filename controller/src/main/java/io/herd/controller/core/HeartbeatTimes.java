package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each host last heartbeated, kept apart from its record (the map under the inventory's
 * lock). A heartbeat that changes nothing writes a number into its host's {@link Slot} and
 * replaces no record: it writes no reference into the inventory's long-lived maps for the
 * collector to scan at its next pause, and leaves nothing behind for it to copy. A quiet host's
 * heartbeat writes its slot without the lock ({@link QuietHosts#heard}). A record's own time is
 * that of the last heartbeat that changed it. Slots are added under the lock and read without
 * it too ({@link #last}: the state counts read every host's after copying the hosts).
 */
final class HeartbeatTimes {

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** The host's slot, with {@code at} written into it. */
    Slot heard(String hostId, Instant at) {
        Slot slot = slots.get(hostId);
        if (slot == null) {
            slot = new Slot(at);
            slots.put(hostId, slot);
        } else {
            slot.set(at);
        }
        return slot;
    }

    /** The host's last heartbeat: its record's time, or a later one written here. Callable without the lock. */
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

    /**
     * A host's last heartbeat time as one number (nanoseconds since the epoch), written in place
     * and readable without the lock. Times beyond what a long holds (before 1677, after 2262)
     * are held as the nearest it does.
     */
    static final class Slot {
        private static final long NANOS = 1_000_000_000L;
        private volatile long epochNanos;

        Slot(Instant at) {
            set(at);
        }

        void set(Instant at) {
            epochNanos = nanos(at);
        }

        boolean before(Instant t) {
            return epochNanos < nanos(t);
        }

        Instant get() {
            return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS), Math.floorMod(epochNanos, NANOS));
        }

        private static long nanos(Instant t) {
            long s = t.getEpochSecond();
            if (s >= Long.MAX_VALUE / NANOS) {
                return Long.MAX_VALUE;
            }
            if (s < Long.MIN_VALUE / NANOS) {
                return Long.MIN_VALUE;
            }
            return s * NANOS + t.getNano();
        }
    }
}
