package io.herd.controller.placement;

import java.util.Optional;

/**
 * Pure placement: an in-memory inventory of hosts, groups and allocations, and the
 * decision that claims from it. No I/O. Every method is safe to call from many threads;
 * {@link #place} and {@link #release} are the serialisation point, so no interleaving can
 * break a hard policy or over-commit a host.
 */
public final class PlacementEngine {

    public PlacementEngine(Weighing weighing) {
        throw new UnsupportedOperationException("engine under construction");
    }

    /** Adds a host, or changes one (capacity, labels, up/down, schedulable). Allocations stay. */
    public void upsertHost(HostSpec host) {
        throw new UnsupportedOperationException();
    }

    /** Removes a host and forgets every allocation on it. */
    public void removeHost(String hostId) {
        throw new UnsupportedOperationException();
    }

    public void upsertGroup(GroupSpec group) {
        throw new UnsupportedOperationException();
    }

    /** Removes a group; its members' allocations stay, without a group. */
    public void removeGroup(String groupId) {
        throw new UnsupportedOperationException();
    }

    /** Decides and claims in one step: on success the allocations and memberships are committed. */
    public PlacementResult place(PlacementRequest request) {
        throw new UnsupportedOperationException();
    }

    /** Gives back a server's capacity and membership. False when the server held nothing. */
    public boolean release(String serverId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Records an allocation that already exists (state loaded at start, a domain found on a
     * host) without checking filters: what is, is counted.
     */
    public void restore(Allocation allocation) {
        throw new UnsupportedOperationException();
    }

    public Optional<Allocation> allocation(String serverId) {
        throw new UnsupportedOperationException();
    }

    /** What herd servers hold on a host now. */
    public Resources allocated(String hostId) {
        throw new UnsupportedOperationException();
    }

    /** Whether the group's hard policy holds over its current members. */
    public GroupCompliance compliance(String groupId) {
        throw new UnsupportedOperationException();
    }
}
