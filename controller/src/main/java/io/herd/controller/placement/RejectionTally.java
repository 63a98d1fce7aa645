package io.herd.controller.placement;

import io.herd.common.LaunchLimits;
import java.util.Arrays;

/**
 * For a refused request: how many live hosts each filter turned away (each host counted once,
 * by the first filter that rejects it for one server of the flavor), how many passed, and the
 * most free vCPUs, memory and disk among the hosts turned away for lack of each.
 *
 * <p>A refusal that pins the request to one host, or to the domain of a hard-affinity group,
 * turns every other plain host (see {@link HostSlots#plain}) away by the same filter; those are
 * counted in one step, so such a refusal looks only at the unusual hosts, the avoided ones and
 * the allowed host or domain instead of at every host.
 */
final class RejectionTally {
    final int[] counts = new int[Rejection.values().length];
    long bestVcpus = Long.MIN_VALUE;
    long bestMemoryMib = Long.MIN_VALUE;
    long bestDiskGib = Long.MIN_VALUE;
    int passing;

    private RejectionTally() {
    }

    /** The tally over every live host, taking the shortcut when the decision allows one. */
    static RejectionTally of(Decision decision) {
        Rejection bulk = bulkRejection(decision);
        return bulk == null ? everyHost(decision) : shortcut(decision, bulk);
    }

    /** The tally that looks at every live host; {@link #of} must always agree with it. */
    static RejectionTally everyHost(Decision decision) {
        RejectionTally tally = new RejectionTally();
        HostSlots hosts = decision.hosts;
        int highWater = hosts.highWater();
        for (int slot = 0; slot < highWater; slot++) {
            if (hosts.live(slot)) {
                tally.add(decision, slot);
            }
        }
        return tally;
    }

    int count(Rejection rejection) {
        return counts[rejection.ordinal()];
    }

    /**
     * The filter that turns away every plain host outside the allowed host or domain (and not
     * avoided), or null when there is none to rely on.
     */
    private static Rejection bulkRejection(Decision decision) {
        if (decision.onlySlot() >= 0) {
            return Rejection.NOT_REQUESTED_HOST;
        }
        Resources flavor = decision.flavor;
        if (decision.affinityDomain >= 0 && decision.policy() != Policy.ANTI_AFFINITY
                && LaunchLimits.API.admits(flavor.vcpus(), flavor.memoryMib(), flavor.diskGib())) {
            return Rejection.AFFINITY;
        }
        return null;
    }

    private static RejectionTally shortcut(Decision decision, Rejection bulk) {
        RejectionTally tally = new RejectionTally();
        HostSlots hosts = decision.hosts;
        SlotSet unusual = hosts.unusual();
        for (int i = 0; i < unusual.size(); i++) {
            tally.add(decision, unusual.get(i));
        }
        // plain hosts that the bulk filter may not speak for: looked at one by one
        int plainLooked = 0;
        int[] avoided = decision.avoidedSlots();
        for (int slot : avoided) {
            // distinct: they come from a set of host ids
            if (hosts.plain(slot)) {
                tally.add(decision, slot);
                plainLooked++;
            }
        }
        if (bulk == Rejection.NOT_REQUESTED_HOST) {
            int slot = decision.onlySlot();
            if (hosts.plain(slot) && !decision.avoids(slot)) {
                tally.add(decision, slot);
                plainLooked++;
            }
        } else {
            FailureDomains domains = decision.domains;
            int size = domains.size(decision.scope, decision.affinityDomain);
            for (int i = 0; i < size; i++) {
                int slot = domains.host(decision.scope, decision.affinityDomain, i);
                if (hosts.plain(slot) && !decision.avoids(slot)) {
                    tally.add(decision, slot);
                    plainLooked++;
                }
            }
        }
        int plain = hosts.size() - unusual.size();
        tally.counts[bulk.ordinal()] += plain - plainLooked;
        return tally;
    }

    private void add(Decision decision, int slot) {
        Rejection rejection = decision.rejection(slot);
        if (rejection == null) {
            passing++;
            return;
        }
        counts[rejection.ordinal()]++;
        HostSlots hosts = decision.hosts;
        if (rejection == Rejection.INSUFFICIENT_VCPUS) {
            bestVcpus = Math.max(bestVcpus, hosts.freeVcpus(slot));
        } else if (rejection == Rejection.INSUFFICIENT_MEMORY) {
            bestMemoryMib = Math.max(bestMemoryMib, hosts.freeMemoryMib(slot));
        } else if (rejection == Rejection.INSUFFICIENT_DISK) {
            bestDiskGib = Math.max(bestDiskGib, hosts.freeDiskGib(slot));
        }
    }
}
