package io.herd.controller.core;

import io.herd.controller.placement.Resources;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated request for {@code count} servers of one size.
 *
 * @param groupRef  group id or name; empty: no group
 * @param requestId idempotency key; empty: none
 * @param flavor    the name of the flavor the sizes were taken from; empty: sizes given as such
 * @param metadata  the user's key/value pairs for each server, in the order given
 */
public record CreateServers(String name, int vcpus, long memoryMib, long diskGib, String image, String network,
                            String groupRef, int count, String requestId, String flavor,
                            Map<String, String> metadata) {

    public CreateServers {
        flavor = flavor == null ? "" : flavor;
        metadata = metadata == null || metadata.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Servers of sizes given as such, without metadata. */
    public CreateServers(String name, int vcpus, long memoryMib, long diskGib, String image, String network,
                         String groupRef, int count, String requestId) {
        this(name, vcpus, memoryMib, diskGib, image, network, groupRef, count, requestId, "", Map.of());
    }

    /** What each server claims on its host. */
    public Resources resources() {
        return new Resources(vcpus, memoryMib, diskGib);
    }

    /** The same request for {@code n} servers. */
    public CreateServers withCount(int n) {
        return new CreateServers(name, vcpus, memoryMib, diskGib, image, network, groupRef, n, requestId, flavor,
                metadata);
    }

    /** The same request, naming the flavor its sizes came from. */
    public CreateServers withFlavor(String flavorName) {
        return new CreateServers(name, vcpus, memoryMib, diskGib, image, network, groupRef, count, requestId,
                flavorName, metadata);
    }

    /** The name of the i-th server (from 1): the name itself for a single server. */
    public String nameOf(int i) {
        return count == 1 ? name : name + "-" + i;
    }
}
