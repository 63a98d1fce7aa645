package io.herd.controller.core;

import io.herd.controller.placement.Resources;

/**
 * A validated request for {@code count} servers of one flavor.
 *
 * @param groupRef  group id or name; empty: no group
 * @param requestId idempotency key; empty: none
 */
public record CreateServers(String name, int vcpus, long memoryMib, long diskGib, String image, String network,
                            String groupRef, int count, String requestId) {

    public Resources flavor() {
        return new Resources(vcpus, memoryMib, diskGib);
    }

    /** The same request for {@code n} servers. */
    public CreateServers withCount(int n) {
        return new CreateServers(name, vcpus, memoryMib, diskGib, image, network, groupRef, n, requestId);
    }

    /** The name of the i-th server (from 1): the name itself for a single server. */
    public String nameOf(int i) {
        return count == 1 ? name : name + "-" + i;
    }
}
