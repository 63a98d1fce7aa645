package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The engine's bookkeeping: each server's claim, and its hold while it moves (a second claim
 * that keeps its old host's capacity and group slot until its old domain is gone), each
 * host's claims, and the usage and group counts they make. Not thread-safe: the engine calls
 * it under its lock.
 */
final class ClaimBook {
    private final HostSlots hosts;
    private final FailureDomains domains;
    /** Called with a slot whose free capacity changed. */
    private final IntConsumer changed;
    private final ClaimsByServer claims = new ClaimsByServer();
    private final ClaimsByServer holds = new ClaimsByServer();
    /** Each host's claims and holds, or null when it has none; a host holds few, so a list is enough. */
    private final List<List<Claim>> bySlot = new ArrayList<>();
    private long nextSequence;

    ClaimBook(HostSlots hosts, FailureDomains domains, IntConsumer changed) {
        this.hosts = hosts;
        this.domains = domains;
        this.changed = changed;
    }

    void ensureSlot(int slot) {
        while (bySlot.size() <= slot) {
            bySlot.add(null);
        }
    }

    Claim claim(String serverId) {
        return claims.get(serverId);
    }

    Claim hold(String serverId) {
        return holds.get(serverId);
    }

    /** Counts a new claim of the server (the caller checked it has none). */
    Claim addClaim(String serverId, int slot, GroupState group, Resources resources) {
        Claim claim = count(serverId, slot, group, resources);
        claims.put(serverId, claim);
        return claim;
    }

    /** Replaces the server's hold, if any, with a new one. */
    void putHold(String serverId, int slot, GroupState group, Resources resources) {
        releaseHold(serverId);
        holds.put(serverId, count(serverId, slot, group, resources));
    }

    boolean releaseClaim(String serverId) {
        Claim claim = claims.remove(serverId);
        if (claim == null) {
            return false;
        }
        uncount(claim);
        return true;
    }

    boolean releaseHold(String serverId) {
        Claim claim = holds.remove(serverId);
        if (claim == null) {
            return false;
        }
        uncount(claim);
        return true;
    }

    /** The claim becomes the server's hold; false when it has no claim or already a hold. */
    boolean toHold(String serverId) {
        if (holds.containsKey(serverId) || !claims.containsKey(serverId)) {
            return false;
        }
        holds.put(serverId, claims.remove(serverId));
        return true;
    }

    /** The hold becomes the server's claim again; false when it has no hold or already a claim. */
    boolean fromHold(String serverId) {
        if (claims.containsKey(serverId) || !holds.containsKey(serverId)) {
            return false;
        }
        claims.put(serverId, holds.remove(serverId));
        return true;
    }

    /** Forgets every claim and hold on the slot (its host is removed). */
    void dropSlot(int slot) {
        List<Claim> here = bySlot.get(slot);
        if (here != null) {
            for (Claim claim : new ArrayList<>(here)) {
                if (holds.get(claim.serverId) == claim) {
                    holds.remove(claim.serverId);
                } else {
                    claims.remove(claim.serverId);
                }
                uncount(claim);
            }
        }
        bySlot.set(slot, null);
    }

    /** The claims and holds on the slot. */
    List<Claim> on(int slot) {
        List<Claim> here = slot < bySlot.size() ? bySlot.get(slot) : null;
        return here == null ? List.of() : here;
    }

    /** The groups with a member (claim or hold) on the slot. */
    Set<GroupState> groupsOn(int slot) {
        Set<GroupState> found = new HashSet<>();
        for (Claim claim : on(slot)) {
            if (claim.group != null) {
                found.add(claim.group);
            }
        }
        return found;
    }

    private Claim count(String serverId, int slot, GroupState group, Resources resources) {
        Claim claim = new Claim(serverId, slot, group, resources, nextSequence++);
        List<Claim> here = bySlot.get(slot);
        if (here == null) {
            here = new ArrayList<>(4);
            bySlot.set(slot, here);
        }
        here.add(claim);
        hosts.use(slot, resources, 1);
        changed.accept(slot);
        if (group != null) {
            group.add(claim, domains);
        }
        return claim;
    }

    private void uncount(Claim claim) {
        bySlot.get(claim.slot).remove(claim);
        hosts.use(claim.slot, claim.resources, -1);
        changed.accept(claim.slot);
        if (claim.group != null) {
            claim.group.remove(claim, domains);
        }
    }
}
