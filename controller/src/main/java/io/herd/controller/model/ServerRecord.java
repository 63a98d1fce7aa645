package io.herd.controller.model;

import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A server as stored. {@code hostId} is non-empty exactly while the server holds a claim on
 * that host (an ERROR server whose domain is gone holds none).
 *
 * @param groupId        empty when the server has no group
 * @param hostId         empty when the server holds no claim
 * @param previousHostId a host it is leaving where its old domain may still exist: that host
 *                       keeps a hold (capacity and group slot) and the domain is removed there
 *                       before the server is launched on {@code hostId}; empty when none
 * @param flavor         the name of the flavor it was created from; empty when it was created
 *                       with sizes of its own (the flavor may be gone since: the name stays)
 * @param metadata       the user's key/value pairs, in the order given; never changed by herd
 */
public record ServerRecord(
        String id,
        String name,
        String groupId,
        String hostId,
        ServerStatus status,
        String statusMessage,
        int vcpus,
        long memoryMib,
        long diskGib,
        String image,
        String network,
        String requestId,
        Instant createdAt,
        Instant updatedAt,
        String previousHostId,
        String flavor,
        Map<String, String> metadata) {

    public ServerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        groupId = groupId == null ? "" : groupId;
        hostId = hostId == null ? "" : hostId;
        Objects.requireNonNull(status, "status");
        statusMessage = statusMessage == null ? "" : statusMessage;
        // few distinct values, held by every server: one copy each (the JVM's table lets go of unused ones)
        image = image == null ? "" : image.intern();
        network = network == null ? "" : network.intern();
        requestId = requestId == null ? "" : requestId;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        previousHostId = previousHostId == null ? "" : previousHostId;
        flavor = flavor == null ? "" : flavor.intern();
        metadata = metadata == null || metadata.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A server created with sizes of its own and no metadata. */
    public ServerRecord(String id, String name, String groupId, String hostId, ServerStatus status,
                        String statusMessage, int vcpus, long memoryMib, long diskGib, String image, String network,
                        String requestId, Instant createdAt, Instant updatedAt, String previousHostId) {
        this(id, name, groupId, hostId, status, statusMessage, vcpus, memoryMib, diskGib, image, network, requestId,
                createdAt, updatedAt, previousHostId, "", Map.of());
    }

    /** A server that is leaving no host behind. */
    public ServerRecord(String id, String name, String groupId, String hostId, ServerStatus status,
                        String statusMessage, int vcpus, long memoryMib, long diskGib, String image, String network,
                        String requestId, Instant createdAt, Instant updatedAt) {
        this(id, name, groupId, hostId, status, statusMessage, vcpus, memoryMib, diskGib, image, network, requestId,
                createdAt, updatedAt, "");
    }

    /** What it claims on its host. */
    public Resources resources() {
        return new Resources(vcpus, memoryMib, diskGib);
    }

    public boolean holdsClaim() {
        return !hostId.isEmpty();
    }

    public boolean leavingHost() {
        return !previousHostId.isEmpty();
    }

    public ServerRecord withStatus(ServerStatus newStatus, String message, Instant now) {
        return new ServerRecord(id, name, groupId, hostId, newStatus, message, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, now, previousHostId, flavor, metadata);
    }

    /** On another host (or none), leaving nothing behind. */
    public ServerRecord withHost(String newHostId, ServerStatus newStatus, String message, Instant now) {
        return new ServerRecord(id, name, groupId, newHostId, newStatus, message, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, now, "", flavor, metadata);
    }

    /** On another host, with the old domain possibly left on {@code leftOn} (empty: none). */
    public ServerRecord movedTo(String newHostId, String leftOn, ServerStatus newStatus, String message,
                                Instant now) {
        return new ServerRecord(id, name, groupId, newHostId, newStatus, message, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, now, leftOn, flavor, metadata);
    }

    /** The same, without a group (its group is gone). */
    public ServerRecord withoutGroup() {
        return new ServerRecord(id, name, "", hostId, status, statusMessage, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, updatedAt, previousHostId, flavor, metadata);
    }
}
