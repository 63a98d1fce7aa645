package io.herd.controller.placement;

/** One server's claim: where it runs, what it holds there, and its group (or null). */
public record Allocation(String serverId, String hostId, String groupId, Resources resources) {
}
