package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which rack and zone each host slot is in, as small ints, and which hosts each rack and
 * zone holds. At HOST scope a host is its own domain and the domain number is its slot.
 * A blank label makes the host a domain of its own, keyed by its id.
 */
final class FailureDomains {
    private final Labels racks = new Labels();
    private final Labels zones = new Labels();
    private int[] rackOf = new int[16];
    private int[] zoneOf = new int[16];

    void assign(int slot, HostSpec host) {
        if (slot >= rackOf.length) {
            int length = Math.max(slot + 1, rackOf.length * 2);
            rackOf = Arrays.copyOf(rackOf, length);
            zoneOf = Arrays.copyOf(zoneOf, length);
        }
        rackOf[slot] = racks.join(host.rack(), host, slot);
        zoneOf[slot] = zones.join(host.zone(), host, slot);
    }

    void unassign(int slot) {
        racks.hosts.get(rackOf[slot]).removeValue(slot);
        zones.hosts.get(zoneOf[slot]).removeValue(slot);
    }

    int of(int slot, Scope scope) {
        return switch (scope) {
            case RACK -> rackOf[slot];
            case ZONE -> zoneOf[slot];
            case HOST -> slot;
        };
    }

    /** How many hosts the domain holds. */
    int size(Scope scope, int domain) {
        return scope == Scope.HOST ? 1 : labels(scope).hosts.get(domain).size();
    }

    /** The index-th host slot of the domain. */
    int host(Scope scope, int domain, int index) {
        return scope == Scope.HOST ? domain : labels(scope).hosts.get(domain).get(index);
    }

    /** The domain's name for people: the rack or zone label, or the host name. */
    String label(Scope scope, int domain, HostSlots hosts) {
        return scope == Scope.HOST ? hosts.specs[domain].name() : labels(scope).names.get(domain);
    }

    private Labels labels(Scope scope) {
        return scope == Scope.RACK ? racks : zones;
    }

    private static final class Labels {
        final Map<String, Integer> ids = new HashMap<>();
        final List<IntList> hosts = new ArrayList<>();
        final List<String> names = new ArrayList<>();

        int join(String label, HostSpec host, int slot) {
            boolean blank = label.isBlank();
            String key = blank ? "\u0000" + host.id() : label;
            Integer id = ids.get(key);
            if (id == null) {
                id = hosts.size();
                ids.put(key, id);
                hosts.add(new IntList());
                names.add(blank ? host.name() : label);
            }
            hosts.get(id).add(slot);
            return id;
        }
    }
}
