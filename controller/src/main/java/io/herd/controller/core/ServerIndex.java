package io.herd.controller.core;

import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Lookups over the servers kept by {@link Inventory}: members of each group, servers on each
 * host, servers leaving each host, and which of a host's servers its next heartbeat must look
 * at; and how many servers are in each status. Changed only by the inventory, as its records
 * change.
 */
final class ServerIndex {

    private final Map<String, Set<String>> membersByGroup = new HashMap<>();
    private final Map<String, Set<String>> byHost = new HashMap<>();
    private final Map<String, Set<String>> leavingByHost = new HashMap<>();
    /** Per host: its servers that are not ACTIVE (every heartbeat looks at them). */
    private final Map<String, Set<String>> unsettledByHost = new HashMap<>();
    /** Per host: its servers whose record changed since its last heartbeat was reconciled. */
    private final Map<String, Set<String>> changedByHost = new HashMap<>();
    private final int[] countByStatus = new int[ServerStatus.values().length];

    /**
     * A server's record became {@code now} (it was {@code old}, null when new): only the
     * entries whose key changed are moved, so that a change of status alone (a launch that
     * landed) writes into as few of these long-lived sets as it can.
     */
    void update(ServerRecord old, ServerRecord now) {
        move(membersByGroup, old == null ? "" : old.groupId(), now.groupId(), now.id());
        move(byHost, hostOf(old), hostOf(now), now.id());
        move(unsettledByHost, unsettledHostOf(old), unsettledHostOf(now), now.id());
        move(leavingByHost, old == null ? "" : old.previousHostId(), now.previousHostId(), now.id());
        // the host's next heartbeat looks at it: its record changed
        if (!hostOf(old).equals(hostOf(now))) {
            removeFrom(changedByHost, hostOf(old), now.id());
        }
        if (now.holdsClaim()) {
            changedByHost.computeIfAbsent(now.hostId(), k -> new LinkedHashSet<>()).add(now.id());
        }
        if (old != null) {
            countByStatus[old.status().ordinal()]--;
        }
        countByStatus[now.status().ordinal()]++;
    }

    void remove(ServerRecord s) {
        removeFrom(membersByGroup, s.groupId(), s.id());
        removeFrom(byHost, s.hostId(), s.id());
        removeFrom(unsettledByHost, s.hostId(), s.id());
        removeFrom(changedByHost, s.hostId(), s.id());
        removeFrom(leavingByHost, s.previousHostId(), s.id());
        countByStatus[s.status().ordinal()]--;
    }

    /** How many servers are in each status, by {@link ServerStatus#ordinal()}: a copy. */
    int[] countsByStatus() {
        return countByStatus.clone();
    }

    private static String hostOf(ServerRecord s) {
        return s == null || !s.holdsClaim() ? "" : s.hostId();
    }

    private static String unsettledHostOf(ServerRecord s) {
        return s == null || s.status() == ServerStatus.ACTIVE ? "" : hostOf(s);
    }

    private static void move(Map<String, Set<String>> map, String from, String to, String id) {
        if (from.equals(to)) {
            return;
        }
        removeFrom(map, from, id);
        if (!to.isEmpty()) {
            map.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(id);
        }
    }

    Set<String> members(String groupId) {
        return membersByGroup.getOrDefault(groupId, Set.of());
    }

    Set<String> onHost(String hostId) {
        return byHost.getOrDefault(hostId, Set.of());
    }

    Set<String> leaving(String hostId) {
        return leavingByHost.getOrDefault(hostId, Set.of());
    }

    /**
     * The host's servers a heartbeat must look at whatever it reports: those not ACTIVE and
     * those whose record changed since the last call for this host (which this call clears).
     */
    Set<String> takeToRecheck(String hostId) {
        Set<String> out = new LinkedHashSet<>(unsettledByHost.getOrDefault(hostId, Set.of()));
        Set<String> changed = changedByHost.get(hostId);
        if (changed != null) {
            out.addAll(changed);
            // emptied, not dropped: the host's next change reuses it instead of making a set that
            // lives until the next heartbeat, long enough to be copied into the old generation
            changed.clear();
        }
        return out;
    }

    /** Whether {@link #takeToRecheck} would find nothing for the host: its servers are ACTIVE, none changed since. */
    boolean nothingToRecheck(String hostId) {
        Set<String> changed = changedByHost.get(hostId);
        return !unsettledByHost.containsKey(hostId) && (changed == null || changed.isEmpty());
    }

    /** Where the indexes disagree with the records. */
    java.util.List<String> violations(Map<String, ServerRecord> servers) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int[] counted = new int[countByStatus.length];
        for (ServerRecord s : servers.values()) {
            counted[s.status().ordinal()]++;
            if (s.holdsClaim() && !onHost(s.hostId()).contains(s.id())) {
                out.add("server " + s.id() + " missing from the index of host " + s.hostId());
            }
            if (s.leavingHost() && !leaving(s.previousHostId()).contains(s.id())) {
                out.add("server " + s.id() + " missing from the servers leaving host " + s.previousHostId());
            }
            if (!s.groupId().isEmpty() && !members(s.groupId()).contains(s.id())) {
                out.add("server " + s.id() + " missing from the members of group " + s.groupId());
            }
        }
        if (!java.util.Arrays.equals(counted, countByStatus)) {
            out.add("servers by status counted " + java.util.Arrays.toString(countByStatus) + ", but the records say "
                    + java.util.Arrays.toString(counted));
        }
        byHost.forEach((host, ids) -> ids.forEach(id -> {
            ServerRecord s = servers.get(id);
            if (s == null || !s.hostId().equals(host)) {
                out.add("index of host " + host + " names server " + id + ", which is not there");
            }
        }));
        membersByGroup.forEach((group, ids) -> ids.forEach(id -> {
            ServerRecord s = servers.get(id);
            if (s == null || !s.groupId().equals(group)) {
                out.add("members of group " + group + " name server " + id + ", which is not in it");
            }
        }));
        return out;
    }

    private static void removeFrom(Map<String, Set<String>> map, String key, String id) {
        if (key.isEmpty()) {
            return;
        }
        Set<String> set = map.get(key);
        if (set != null) {
            set.remove(id);
            if (set.isEmpty()) {
                map.remove(key);
            }
        }
    }
}
