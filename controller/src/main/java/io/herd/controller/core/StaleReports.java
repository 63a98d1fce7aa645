package io.herd.controller.core;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What heartbeats may still say that is no longer true, kept by {@link Inventory}: servers
 * forgotten lately (a heartbeat read before their domain went still lists it), and the stale
 * copies each host's last heartbeat listed (destroyed at its agent, which a server must not be
 * moved onto meanwhile). Used under the inventory lock.
 */
final class StaleReports {

    private final Map<String, Instant> removedAt = new LinkedHashMap<>();
    private final Map<String, Set<String>> copiesByHost = new HashMap<>();

    void removed(String serverId, Instant at) {
        removedAt.put(serverId, at);
    }

    /** Whether the server was forgotten since {@code since}; forgets older entries (kept in order). */
    boolean removedSince(String serverId, Instant since) {
        Iterator<Map.Entry<String, Instant>> it = removedAt.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().isBefore(since)) {
            it.remove();
        }
        return removedAt.containsKey(serverId);
    }

    void copies(String hostId, List<String> serverIds) {
        if (serverIds.isEmpty()) {
            copiesByHost.remove(hostId);
        } else {
            copiesByHost.put(hostId, Set.copyOf(serverIds));
        }
    }

    /** {@code avoid} and every host still holding a stale copy of one of the servers. */
    Set<String> withHostsHoldingCopies(Set<String> avoid, List<String> serverIds) {
        if (copiesByHost.isEmpty()) {
            return avoid;
        }
        Set<String> out = null;
        for (Map.Entry<String, Set<String>> e : copiesByHost.entrySet()) {
            for (String id : serverIds) {
                if (e.getValue().contains(id)) {
                    if (out == null) {
                        out = new HashSet<>(avoid);
                    }
                    out.add(e.getKey());
                }
            }
        }
        return out == null ? avoid : out;
    }
}
