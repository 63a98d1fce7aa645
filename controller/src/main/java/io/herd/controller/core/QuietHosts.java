package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts whose last heartbeat found nothing to do, with what it reported: while nothing about
 * such a host changes (its record, its servers, what its next heartbeat must look at), a
 * heartbeat that reports the same again would find nothing to do either, and only its time is
 * written. Set by {@link HostManager} at the end of a heartbeat, under the inventory's lock;
 * forgotten by {@link Inventory} at every change of the host or of a server on it, under the
 * same lock; read without it, so that a heartbeat compares what it reports before it takes the
 * lock, and holds the lock only to see that its host is still quiet.
 */
final class QuietHosts {

    /**
     * What a quiet host reported.
     *
     * @param record  the host's record after that heartbeat (its time is that of the last heartbeat
     *                that changed it)
     * @param domains the domains it listed, in its order, as the host manager keeps them
     */
    record Quiet(HostRecord record, List<HostReport.ReportedDomain> domains) {
    }

    private final ConcurrentHashMap<String, Quiet> byHost = new ConcurrentHashMap<>();

    Quiet get(String hostId) {
        return byHost.get(hostId);
    }

    void put(String hostId, Quiet quiet) {
        byHost.put(hostId, quiet);
    }

    /** Something about the host changed; an empty id (no host) is ignored. */
    void forget(String hostId) {
        if (!hostId.isEmpty()) {
            byHost.remove(hostId);
        }
    }
}
