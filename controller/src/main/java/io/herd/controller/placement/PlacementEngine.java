package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure placement: an in-memory inventory of hosts, groups and allocations, and the
 * decision that claims from it. No I/O. Every method is safe to call from many threads;
 * one lock is the serialisation point for every read and change, so no interleaving can
 * break a hard policy or over-commit a host.
 */
public final class PlacementEngine {
    private static final int[] NO_SLOTS = {};
    private final Object lock = new Object();
    private final HostSlots hosts = new HostSlots();
    private final FailureDomains domains = new FailureDomains();
    private final FreeMemoryIndex index;
    private final HostChooser chooser;
    private final Map<String, GroupState> groups = new HashMap<>();
    private final ClaimBook book = new ClaimBook(hosts, domains, this::reindex);

    public PlacementEngine(Weighing weighing) {
        this.index = new FreeMemoryIndex(weighing == null ? Weighing.SPREAD : weighing);
        this.chooser = new HostChooser(index);
    }

    /** Adds a host, or changes one (capacity, labels, up/down, schedulable). Allocations stay. */
    public void upsertHost(HostSpec host) {
        synchronized (lock) {
            int slot = hosts.slotOf(host.id());
            if (slot < 0) {
                slot = hosts.allocate(host.id());
                book.ensureSlot(slot);
                hosts.describe(slot, host);
                domains.assign(slot, host);
            } else {
                HostSpec before = hosts.specs[slot];
                if (before.equals(host)) {
                    // a heartbeat that changes nothing placement sees: the old spec stays, the new dies young
                    return;
                }
                if (before.rack().equals(host.rack()) && before.zone().equals(host.zone())
                        && before.name().equals(host.name())) {
                    // the usual case, a heartbeat: same failure domains, no member counts to redo
                    hosts.describe(slot, host);
                } else {
                    // labels moved the host to another rack or zone
                    domains.unassign(slot);
                    hosts.describe(slot, host);
                    domains.assign(slot, host);
                    for (GroupState group : book.groupsOn(slot)) {
                        group.recount(domains);
                    }
                }
            }
            reindex(slot);
        }
    }

    /** Removes a host and forgets every allocation on it. */
    public void removeHost(String hostId) {
        synchronized (lock) {
            int slot = hosts.slotOf(hostId);
            if (slot < 0) {
                return;
            }
            book.dropSlot(slot);
            index.remove(slot);
            domains.unassign(slot);
            hosts.free(slot);
        }
    }

    /** Adds a group, or changes its policy, scope or limit; its members stay and are counted again. */
    public void upsertGroup(GroupSpec group) {
        synchronized (lock) {
            GroupState state = groups.get(group.id());
            if (state == null) {
                groups.put(group.id(), new GroupState(group));
            } else {
                state.spec = group;
                state.recount(domains);
            }
        }
    }

    /** Removes a group; its members' allocations stay, without a group. */
    public void removeGroup(String groupId) {
        synchronized (lock) {
            GroupState state = groups.remove(groupId);
            if (state != null) {
                for (Claim member : state.members) {
                    member.group = null;
                }
            }
        }
    }

    /**
     * Decides and claims in one step: on success the allocations and memberships are committed.
     *
     * @throws IllegalArgumentException when the group is unknown or a server id is repeated or
     *                                  already holds an allocation (nothing changes)
     */
    public PlacementResult place(PlacementRequest request) {
        synchronized (lock) {
            GroupState group = knownGroup(request.groupId());
            checkNewServers(request.serverIds());
            Decision decision = decision(request, group);
            int count = request.count();
            if (group != null && group.spec.policy() == Policy.AFFINITY) {
                int home = group.majorityDomain(domains);
                if (home < 0 && count > 1) {
                    long[] bestRoom = {0};
                    home = chooser.roomyDomain(decision, count, bestRoom);
                    if (home < 0) {
                        return NoValidHostExplainer.explain(committedView(request, group), count, bestRoom[0], true);
                    }
                }
                decision.affinityDomain = home;
            }
            List<Claim> made = new ArrayList<>(count);
            for (String serverId : request.serverIds()) {
                int slot = chooser.choose(decision);
                if (slot < 0) {
                    for (Claim claim : made) {
                        book.releaseClaim(claim.serverId);
                    }
                    return NoValidHostExplainer.explain(committedView(request, group), count, made.size(), false);
                }
                made.add(book.addClaim(serverId, slot, group, request.flavor()));
            }
            List<Allocation> allocations = new ArrayList<>(count);
            for (Claim claim : made) {
                allocations.add(claim.toAllocation(hosts));
            }
            return new PlacementResult.Placed(allocations);
        }
    }

    /** Gives back a server's capacity and membership. False when the server held nothing. */
    public boolean release(String serverId) {
        synchronized (lock) {
            return book.releaseClaim(serverId);
        }
    }

    /**
     * Turns the server's claim into a hold: its host keeps the capacity and group slot, and
     * the server may be placed again ({@link #place}) to move elsewhere. False when the server
     * holds no claim (or already has a hold).
     */
    public boolean hold(String serverId) {
        synchronized (lock) {
            return book.toHold(serverId);
        }
    }

    /** Gives back the capacity and group slot of the server's hold. False when it had none. */
    public boolean releaseHold(String serverId) {
        synchronized (lock) {
            return book.releaseHold(serverId);
        }
    }

    /**
     * Undoes {@link #hold}: the hold becomes the server's claim again (its move failed). False
     * when the server has no hold or already holds a claim.
     */
    public boolean unhold(String serverId) {
        synchronized (lock) {
            return book.fromHold(serverId);
        }
    }

    /** The host of the server's hold, if it has one. */
    public Optional<String> holdHost(String serverId) {
        synchronized (lock) {
            Claim claim = book.hold(serverId);
            return claim == null ? Optional.empty() : Optional.of(hosts.id(claim.slot));
        }
    }

    /** Records a hold that already exists (loaded at start), like {@link #restore} a claim. */
    public void restoreHold(Allocation allocation) {
        synchronized (lock) {
            int slot = hosts.slotOf(allocation.hostId());
            if (slot < 0) {
                throw new IllegalArgumentException("unknown host " + allocation.hostId() + " for the hold of server "
                        + allocation.serverId() + ": add the host first");
            }
            GroupState group = knownGroup(allocation.groupId());
            book.putHold(allocation.serverId(), slot, group, allocation.resources());
        }
    }

    /**
     * Records an allocation that already exists (state loaded at start, a domain found on a
     * host) without checking filters: what is, is counted. Replaces any earlier allocation of
     * the same server.
     *
     * @throws IllegalArgumentException when the host or the group is unknown
     */
    public void restore(Allocation allocation) {
        synchronized (lock) {
            int slot = hosts.slotOf(allocation.hostId());
            if (slot < 0) {
                throw new IllegalArgumentException("unknown host " + allocation.hostId() + " for server "
                        + allocation.serverId() + ": add the host first");
            }
            GroupState group = knownGroup(allocation.groupId());
            book.releaseClaim(allocation.serverId());
            book.addClaim(allocation.serverId(), slot, group, allocation.resources());
        }
    }

    public Optional<Allocation> allocation(String serverId) {
        synchronized (lock) {
            Claim claim = book.claim(serverId);
            return claim == null ? Optional.empty() : Optional.of(claim.toAllocation(hosts));
        }
    }

    /** What herd servers hold on a host now. */
    public Resources allocated(String hostId) {
        synchronized (lock) {
            int slot = hosts.slotOf(hostId);
            if (slot < 0) {
                return Resources.ZERO;
            }
            return new Resources((int) hosts.usedVcpus[slot], hosts.usedMemoryMib[slot], hosts.usedDiskGib[slot]);
        }
    }

    /** Whether the group's hard policy holds over its current members. */
    public GroupCompliance compliance(String groupId) {
        synchronized (lock) {
            GroupState group = groups.get(groupId);
            if (group == null) {
                throw new IllegalArgumentException("unknown group " + groupId);
            }
            return ComplianceCheck.of(group, domains, hosts);
        }
    }

    /** The host as last upserted, if known. */
    public Optional<HostSpec> host(String hostId) {
        synchronized (lock) {
            int slot = hosts.slotOf(hostId);
            return slot < 0 ? Optional.empty() : Optional.of(hosts.specs[slot]);
        }
    }

    /** The group as last upserted, if known. */
    public Optional<GroupSpec> group(String groupId) {
        synchronized (lock) {
            GroupState group = groups.get(groupId);
            return group == null ? Optional.empty() : Optional.of(group.spec);
        }
    }

    /** The group's members' allocations, oldest first; empty for an unknown group. */
    public List<Allocation> members(String groupId) {
        synchronized (lock) {
            GroupState group = groups.get(groupId);
            List<Allocation> members = new ArrayList<>();
            if (group != null) {
                for (Claim member : group.members) {
                    members.add(member.toAllocation(hosts));
                }
            }
            return members;
        }
    }

    /** The allocations on a host; empty for an unknown host. */
    public List<Allocation> allocationsOn(String hostId) {
        synchronized (lock) {
            int slot = hosts.slotOf(hostId);
            List<Allocation> here = new ArrayList<>();
            if (slot >= 0) {
                for (Claim claim : book.on(slot)) {
                    here.add(claim.toAllocation(hosts));
                }
            }
            return here;
        }
    }

    private void reindex(int slot) {
        if (hosts.eligible[slot]) {
            index.put(slot, hosts.id(slot), hosts.freeMemoryMib(slot));
        } else {
            index.remove(slot);
        }
    }

    private GroupState knownGroup(String groupId) {
        if (groupId == null) {
            return null;
        }
        GroupState group = groups.get(groupId);
        if (group == null) {
            throw new IllegalArgumentException("unknown group " + groupId + ": create the group first");
        }
        return group;
    }

    private void checkNewServers(List<String> serverIds) {
        Set<String> seen = serverIds.size() == 1 ? null : new HashSet<>();
        for (String serverId : serverIds) {
            if (seen != null && !seen.add(serverId)) {
                throw new IllegalArgumentException("server id " + serverId + " appears twice in the request");
            }
            Claim existing = book.claim(serverId);
            if (existing != null) {
                throw new IllegalArgumentException("server " + serverId + " already has an allocation on host "
                        + hosts.id(existing.slot));
            }
        }
    }

    private Decision decision(PlacementRequest request, GroupState group) {
        int only = request.onlyHost() == null ? -1 : hosts.slotOf(request.onlyHost());
        if (request.onlyHost() != null && only < 0) {
            throw new IllegalArgumentException("unknown host " + request.onlyHost());
        }
        return new Decision(hosts, domains, group, request.flavor(), request.image(), avoidedSlots(request), only);
    }

    private int[] avoidedSlots(PlacementRequest request) {
        if (request.avoidHosts().isEmpty()) {
            return NO_SLOTS;
        }
        return request.avoidHosts().stream().mapToInt(hosts::slotOf).filter(slot -> slot >= 0).toArray();
    }

    /** Filters over the state without the failed request, for the explanation. */
    private Decision committedView(PlacementRequest request, GroupState group) {
        Decision view = decision(request, group);
        if (group != null && group.spec.policy() == Policy.AFFINITY) {
            view.affinityDomain = group.majorityDomain(domains);
        }
        return view;
    }
}
