package io.herd.controller.model;

import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.Objects;

/**
 * A server as stored. {@code hostId} is non-empty exactly while the server holds a claim on
 * that host (an ERROR server whose domain is gone holds none).
 *
 * @param groupId empty when the server has no group
 * @param hostId  empty when the server holds no claim
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
        Instant updatedAt) {

    public ServerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        groupId = groupId == null ? "" : groupId;
        hostId = hostId == null ? "" : hostId;
        Objects.requireNonNull(status, "status");
        statusMessage = statusMessage == null ? "" : statusMessage;
        image = image == null ? "" : image;
        network = network == null ? "" : network;
        requestId = requestId == null ? "" : requestId;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public Resources flavor() {
        return new Resources(vcpus, memoryMib, diskGib);
    }

    public boolean holdsClaim() {
        return !hostId.isEmpty();
    }

    public ServerRecord withStatus(ServerStatus newStatus, String message, Instant now) {
        return new ServerRecord(id, name, groupId, hostId, newStatus, message, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, now);
    }

    public ServerRecord withHost(String newHostId, ServerStatus newStatus, String message, Instant now) {
        return new ServerRecord(id, name, groupId, newHostId, newStatus, message, vcpus, memoryMib, diskGib, image,
                network, requestId, createdAt, now);
    }
}
