package io.herd.controller.placement;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks the best host that passes every filter. Weighers in order: the soft policy
 * (fewer members in the domain for soft-anti-affinity, more for soft-affinity), then free
 * memory (SPREAD or PACK), then host id. Walks the free-memory index from the best end and
 * stops as soon as no later host can win, so a decision rarely touches more than a few hosts.
 */
final class HostChooser {
    private final FreeMemoryIndex index;

    HostChooser(FreeMemoryIndex index) {
        this.index = index;
    }

    /** The chosen host slot, or -1 when none passes. */
    int choose(Decision decision) {
        if (decision.affinityDomain >= 0) {
            return bestIn(decision, decision.affinityDomain);
        }
        if (decision.policy() == Policy.SOFT_ANTI_AFFINITY) {
            return leastCrowded(decision);
        }
        if (decision.policy() == Policy.SOFT_AFFINITY) {
            return mostCrowded(decision);
        }
        return firstPassing(decision);
    }

    /**
     * For a new affinity gang: the domain of the best-weighed passing host whose domain
     * has room for all {@code count} servers, or -1 (then {@code bestRoom[0]} tells the most
     * any domain could take).
     */
    int roomyDomain(Decision decision, int count, long[] bestRoom) {
        long need = decision.flavor.memoryMib();
        Set<Integer> seen = new HashSet<>();
        for (FreeMemoryIndex.Entry entry : index.from(need)) {
            if (entry.freeMemoryMib < need) {
                break;
            }
            if (!decision.passes(entry.slot)) {
                continue;
            }
            int domain = decision.domains.of(entry.slot, decision.scope);
            if (!seen.add(domain)) {
                continue;
            }
            long room = 0;
            int size = decision.domains.size(decision.scope, domain);
            for (int i = 0; i < size && room < count; i++) {
                int slot = decision.domains.host(decision.scope, domain, i);
                if (decision.passes(slot)) {
                    room += Math.min(count, decision.room(slot));
                }
            }
            if (room >= count) {
                return domain;
            }
            bestRoom[0] = Math.max(bestRoom[0], room);
        }
        return -1;
    }

    private int firstPassing(Decision decision) {
        long need = decision.flavor.memoryMib();
        for (FreeMemoryIndex.Entry entry : index.from(need)) {
            if (entry.freeMemoryMib < need) {
                break;
            }
            if (decision.passes(entry.slot)) {
                return entry.slot;
            }
        }
        return -1;
    }

    private int leastCrowded(Decision decision) {
        long need = decision.flavor.memoryMib();
        int best = -1;
        int bestCount = Integer.MAX_VALUE;
        for (FreeMemoryIndex.Entry entry : index.from(need)) {
            if (entry.freeMemoryMib < need) {
                break;
            }
            if (!decision.passes(entry.slot)) {
                continue;
            }
            int count = decision.group.count(decision.domains.of(entry.slot, decision.scope));
            if (count == 0) {
                return entry.slot;
            }
            if (count < bestCount) {
                best = entry.slot;
                bestCount = count;
            }
        }
        return best;
    }

    private int mostCrowded(Decision decision) {
        IntCounts counts = decision.group.counts();
        // (count << 32 | domain), sorted descending: domains with the most members first
        long[] byCount = new long[counts.size()];
        int[] n = {0};
        counts.forEach((domain, count) -> byCount[n[0]++] = ((long) count << 32) | domain);
        Arrays.sort(byCount);
        int i = byCount.length - 1;
        while (i >= 0) {
            long level = byCount[i] >>> 32;
            int best = -1;
            for (; i >= 0 && byCount[i] >>> 32 == level; i--) {
                best = better(decision, best, bestIn(decision, (int) byCount[i]));
            }
            if (best >= 0) {
                return best;
            }
        }
        return firstPassing(decision);
    }

    private int bestIn(Decision decision, int domain) {
        int best = -1;
        int size = decision.domains.size(decision.scope, domain);
        for (int i = 0; i < size; i++) {
            int slot = decision.domains.host(decision.scope, domain, i);
            if (decision.passes(slot)) {
                best = better(decision, best, slot);
            }
        }
        return best;
    }

    private int better(Decision decision, int a, int b) {
        if (a < 0) {
            return b;
        }
        if (b < 0) {
            return a;
        }
        HostSlots hosts = decision.hosts;
        return index.prefers(hosts.freeMemoryMib(b), hosts.id(b), hosts.freeMemoryMib(a), hosts.id(a)) ? b : a;
    }
}
