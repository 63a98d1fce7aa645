package io.herd.controller.model;

import io.herd.controller.placement.Resources;
import java.time.Instant;
import java.util.Objects;

/**
 * A flavor as stored: a named size that servers are created from. A server keeps the sizes and
 * the name of the flavor it was created from, so a flavor may be deleted while servers of it
 * live.
 *
 * @param id        unique; chosen by the caller or a UUID
 * @param name      unique
 * @param memoryMib memory, MiB
 * @param diskGib   root disk, GiB; 0 for diskless servers
 */
public record FlavorRecord(String id, String name, int vcpus, long memoryMib, long diskGib, Instant createdAt) {

    public FlavorRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The size of each server created from it. */
    public Resources resources() {
        return new Resources(vcpus, memoryMib, diskGib);
    }
}
