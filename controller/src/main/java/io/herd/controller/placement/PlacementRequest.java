package io.herd.controller.placement;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Place {@code serverIds.size()} servers of one flavor, all-or-nothing.
 *
 * @param serverIds  ids the caller chose for the new servers (the count)
 * @param flavor     what each one needs
 * @param groupId    the group they join, or null
 * @param avoidHosts host ids not to use (a launch failed there)
 */
public record PlacementRequest(List<String> serverIds, Resources flavor, String groupId, Set<String> avoidHosts) {

    public PlacementRequest {
        serverIds = List.copyOf(serverIds);
        Objects.requireNonNull(flavor, "flavor");
        avoidHosts = avoidHosts == null ? Set.of() : Set.copyOf(avoidHosts);
        if (serverIds.isEmpty()) {
            throw new IllegalArgumentException("at least one server id is required");
        }
    }

    public PlacementRequest(List<String> serverIds, Resources flavor, String groupId) {
        this(serverIds, flavor, groupId, Set.of());
    }

    public int count() {
        return serverIds.size();
    }
}
