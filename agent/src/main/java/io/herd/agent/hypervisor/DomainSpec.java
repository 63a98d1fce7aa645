package io.herd.agent.hypervisor;

import java.util.Objects;
import java.util.UUID;

/**
 * A validated request for one herd domain.
 *
 * @param serverId  becomes the domain UUID; the domain is named {@code herd-<serverId>}
 * @param name      the server's name (any printable text; kept in title and metadata)
 * @param vcpus     virtual CPUs
 * @param memoryMib memory, MiB
 * @param diskGib   root disk size, GiB; 0 for a diskless domain
 * @param image     base image file name in the image directory; empty for a diskless domain
 * @param groupId   server group id, empty for none
 * @param network   libvirt network for one virtio NIC, empty for none
 * @param fence     destroy it when the agent is cut off from the controller (self-fencing)
 */
public record DomainSpec(
        UUID serverId,
        String name,
        int vcpus,
        long memoryMib,
        long diskGib,
        String image,
        String groupId,
        String network,
        boolean fence) {

    public DomainSpec {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(network, "network");
    }

    /** A domain that is not fenced. */
    public DomainSpec(UUID serverId, String name, int vcpus, long memoryMib, long diskGib, String image,
                      String groupId, String network) {
        this(serverId, name, vcpus, memoryMib, diskGib, image, groupId, network, false);
    }

    public String domainName() {
        return domainName(serverId);
    }

    public static String domainName(UUID serverId) {
        return "herd-" + serverId;
    }

    public boolean diskless() {
        return image.isEmpty();
    }
}
