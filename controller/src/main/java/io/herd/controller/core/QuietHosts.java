package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Hosts whose last heartbeat found nothing to do, with what it reported: while nothing about
 * such a host changes (its record, its servers, what its next heartbeat must look at), a
 * heartbeat that reports the same again would find nothing to do either, and only its time is
 * written. Set by {@link Heartbeats} at the end of a heartbeat, under the inventory's lock;
 * forgotten by {@link Inventory} at every change of the host or of a server on it, under the
 * same lock; read without it: a heartbeat that repeats its quiet host's last one is handled
 * without the lock at all ({@link #heard}).
 */
final class QuietHosts {

    /**
     * What a quiet host reported.
     *
     * @param record  the host's record after that heartbeat (its time is that of the last heartbeat
     *                that changed it)
     * @param domains the domains it listed, in its order, as the host manager keeps them
     * @param heard   the host's heartbeat time, which a repeat writes in place
     */
    record Quiet(HostRecord record, List<HostReport.ReportedDomain> domains, HeartbeatTimes.Slot heard) {
    }

    private final ConcurrentHashMap<String, Quiet> byHost = new ConcurrentHashMap<>();

    Quiet get(String hostId) {
        return byHost.get(hostId);
    }

    void put(String hostId, Quiet quiet) {
        byHost.put(hostId, quiet);
    }

    /**
     * Without the lock: writes the time of a heartbeat that repeats {@code quiet}, the host's
     * last one, and tells whether the host was still quiet then. When it was not, the heartbeat
     * must be handled whole, under the lock (its time written here meanwhile changes nothing:
     * that handling writes it again). The time is written before the host is looked up again,
     * and {@link #silent} forgets the host before it reads the time again: so a heartbeat either
     * counts as heard by the liveness check or is handled under the lock, never neither.
     */
    boolean heard(String hostId, Quiet quiet, Instant at) {
        quiet.heard().set(at);
        VarHandle.fullFence();
        return byHost.get(hostId) == quiet;
    }

    /**
     * Under the lock, for the liveness check: whether the host is still silent ({@code stillSilent}
     * tells, reading its heartbeat time) once it is quiet no more, so that a heartbeat from now
     * on is handled under the lock. See {@link #heard}.
     */
    boolean silent(String hostId, BooleanSupplier stillSilent) {
        byHost.remove(hostId);
        VarHandle.fullFence();
        return stillSilent.getAsBoolean();
    }

    /** Something about the host changed; an empty id (no host) is ignored. */
    void forget(String hostId) {
        if (!hostId.isEmpty()) {
            byHost.remove(hostId);
        }
    }
}
