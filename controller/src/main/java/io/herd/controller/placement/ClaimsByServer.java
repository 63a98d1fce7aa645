package io.herd.controller.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Claims by server id, in many small hash maps chosen by the id's hash instead of one large
 * one. A single map of n claims rehashes all n at once when it grows (tens of milliseconds at
 * 200,000 claims, inside one unlucky decision); here a growth rehashes one stripe, 1/256 of
 * the claims.
 */
final class ClaimsByServer {
    private static final int STRIPE_BITS = 8;
    private final List<Map<String, Claim>> stripes = new ArrayList<>(1 << STRIPE_BITS);

    ClaimsByServer() {
        for (int i = 0; i < 1 << STRIPE_BITS; i++) {
            stripes.add(new HashMap<>());
        }
    }

    Claim get(String serverId) {
        return stripe(serverId).get(serverId);
    }

    boolean containsKey(String serverId) {
        return stripe(serverId).containsKey(serverId);
    }

    void put(String serverId, Claim claim) {
        stripe(serverId).put(serverId, claim);
    }

    /** Removes and returns the server's claim, or null when it has none. */
    Claim remove(String serverId) {
        return stripe(serverId).remove(serverId);
    }

    private Map<String, Claim> stripe(String serverId) {
        // the high bits of a multiplicative hash, so that the stripe does not follow the low bits
        // each map indexes its table by
        return stripes.get((serverId.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - STRIPE_BITS));
    }
}
