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
 * @param avoidHosts host ids not to use (a launch failed there, or the server is leaving it)
 * @param image      the base image they boot from; empty: diskless (any host)
 * @param onlyHost   the one host id allowed (an operator's choice), or null for any
 */
public record PlacementRequest(List<String> serverIds, Resources flavor, String groupId, Set<String> avoidHosts,
                               String image, String onlyHost) {

    public PlacementRequest {
        serverIds = List.copyOf(serverIds);
        Objects.requireNonNull(flavor, "flavor");
        avoidHosts = avoidHosts == null ? Set.of() : Set.copyOf(avoidHosts);
        image = image == null ? "" : image;
        if (serverIds.isEmpty()) {
            throw new IllegalArgumentException("at least one server id is required");
        }
    }

    public PlacementRequest(List<String> serverIds, Resources flavor, String groupId) {
        this(serverIds, flavor, groupId, Set.of(), "", null);
    }

    public PlacementRequest(List<String> serverIds, Resources flavor, String groupId, Set<String> avoidHosts) {
        this(serverIds, flavor, groupId, avoidHosts, "", null);
    }

    public int count() {
        return serverIds.size();
    }
}
