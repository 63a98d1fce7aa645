package io.herd.controller.nova;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ServerView;
import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * A server as Nova shows it (nova/api/openstack/compute/views/servers.py), in the request's
 * microversion: Nova's status with its vm_state, task_state and power_state, the host in
 * {@code OS-EXT-SRV-ATTR:host} and {@code hostId}, the host's zone as the availability zone,
 * the flavor (a link before 2.47, its sizes from 2.47), the image as a link, and a
 * {@code fault} for a server in ERROR. herd's DELETING shows as the state it leaves with
 * task_state {@code deleting}; its UNKNOWN (host down) as Nova's UNKNOWN.
 */
final class ServerFormat {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);
    /** Nova's power states. */
    private static final int NOSTATE = 0;
    private static final int RUNNING = 1;

    private final Microversion version;
    private final Links links;
    private final Map<String, HostRecord> hosts;
    private final Map<String, FlavorRecord> flavorsByName;

    /**
     * @param hosts         the hosts by id, for names and zones
     * @param flavorsByName the flavors by name, for the id a server's flavor name has now
     */
    ServerFormat(Microversion version, Links links, Map<String, HostRecord> hosts,
                 Map<String, FlavorRecord> flavorsByName) {
        this.version = version;
        this.links = links;
        this.hosts = hosts;
        this.flavorsByName = flavorsByName;
    }

    /** The short form of lists: id, name, links. */
    ObjectNode brief(ServerView view) {
        ServerRecord s = view.server();
        ObjectNode out = NovaRoutes.object();
        out.put("id", s.id()).put("name", s.name());
        out.set("links", links.of("servers", s.id()));
        return out;
    }

    ObjectNode detail(ServerView view) {
        ServerRecord s = view.server();
        HostRecord host = s.hostId().isEmpty() ? null : hosts.get(s.hostId());
        String hostName = s.hostId().isEmpty() ? null : view.hostName();
        ObjectNode out = NovaRoutes.object();
        out.put("id", s.id()).put("name", s.name()).put("status", status(s.status()))
                .put("tenant_id", ServerGroupsResource.PROJECT_ID).put("user_id", ServerGroupsResource.USER_ID);
        ObjectNode metadata = out.putObject("metadata");
        s.metadata().forEach(metadata::put);
        out.put("hostId", hostName == null ? "" : hostId(hostName));
        image(out, s);
        flavor(out, s);
        out.put("created", SECONDS.format(s.createdAt())).put("updated", SECONDS.format(s.updatedAt()));
        ObjectNode addresses = out.putObject("addresses");
        if (!s.network().isEmpty()) {
            addresses.putArray(s.network());
        }
        out.put("accessIPv4", "").put("accessIPv6", "");
        out.set("links", links.of("servers", s.id()));
        out.put("OS-DCF:diskConfig", "MANUAL");
        if (s.status() == ServerStatus.BUILDING || s.status() == ServerStatus.ACTIVE) {
            out.put("progress", s.status() == ServerStatus.ACTIVE ? 100 : 0);
        }
        out.put("OS-EXT-AZ:availability_zone", host == null ? "" : host.zone().isEmpty() ? "nova" : host.zone());
        out.put("config_drive", "").putNull("key_name");
        out.put("OS-SRV-USG:launched_at", s.status() == ServerStatus.ACTIVE
                ? MICROS.format(s.updatedAt().truncatedTo(ChronoUnit.MICROS)) : null);
        out.putNull("OS-SRV-USG:terminated_at");
        out.put("OS-EXT-SRV-ATTR:host", hostName).put("OS-EXT-SRV-ATTR:hypervisor_hostname", hostName)
                .put("OS-EXT-SRV-ATTR:instance_name", "herd-" + s.id());
        out.put("OS-EXT-STS:vm_state", vmState(s.status())).put("OS-EXT-STS:task_state", taskState(s.status()))
                .put("OS-EXT-STS:power_state", s.status() == ServerStatus.ACTIVE
                        || s.status() == ServerStatus.DELETING ? RUNNING : NOSTATE);
        out.putArray("os-extended-volumes:volumes_attached");
        if (!s.network().isEmpty()) {
            out.putArray("security_groups").addObject().put("name", "default");
        }
        if (s.status() == ServerStatus.ERROR) {
            out.putObject("fault").put("code", 500).put("created", SECONDS.format(s.updatedAt()))
                    .put("message", s.statusMessage().isEmpty() ? "the server failed" : s.statusMessage());
        }
        microversioned(out, s, host);
        return out;
    }

    private void microversioned(ObjectNode out, ServerRecord s, HostRecord host) {
        if (version.atLeast(2, 3)) {
            out.put("OS-EXT-SRV-ATTR:reservation_id", "r-" + s.id().substring(0, 8))
                    .put("OS-EXT-SRV-ATTR:launch_index", 0).put("OS-EXT-SRV-ATTR:hostname", s.name())
                    .put("OS-EXT-SRV-ATTR:kernel_id", "").put("OS-EXT-SRV-ATTR:ramdisk_id", "")
                    .put("OS-EXT-SRV-ATTR:root_device_name", s.image().isEmpty() ? null : "/dev/vda")
                    .putNull("OS-EXT-SRV-ATTR:user_data");
        }
        if (version.atLeast(2, 9)) {
            out.put("locked", false);
        }
        if (version.atLeast(2, 16)) {
            out.put("host_status", host == null ? "" : !host.up() ? "DOWN"
                    : host.schedulable() ? "UP" : "MAINTENANCE");
        }
        if (version.atLeast(2, 19)) {
            out.putNull("description");
        }
        if (version.atLeast(2, 26)) {
            out.putArray("tags");
        }
        if (version.atLeast(2, 63)) {
            out.putNull("trusted_image_certificates");
        }
    }

    private void image(ObjectNode out, ServerRecord s) {
        if (s.image().isEmpty()) {
            out.put("image", "");
            return;
        }
        String id = ImagesResource.idOf(s.image());
        ObjectNode image = out.putObject("image");
        image.put("id", id);
        image.putArray("links").addObject().put("rel", "bookmark").put("href", links.image() + "/v2/images/" + id);
    }

    private void flavor(ObjectNode out, ServerRecord s) {
        ObjectNode flavor = out.putObject("flavor");
        if (version.atLeast(2, 47)) {
            flavor.put("vcpus", s.vcpus()).put("ram", s.memoryMib()).put("disk", s.diskGib()).put("ephemeral", 0)
                    .put("swap", 0).put("original_name", s.flavor().isEmpty() ? "custom" : s.flavor());
            flavor.putObject("extra_specs");
            return;
        }
        FlavorRecord f = flavorsByName.get(s.flavor());
        String id = f != null ? f.id() : s.flavor();
        flavor.put("id", id);
        flavor.putArray("links").addObject().put("rel", "bookmark").put("href", links.bookmark("flavors", id));
    }

    /** Nova's status of a herd state. */
    static String status(ServerStatus status) {
        return switch (status) {
            case BUILDING -> "BUILD";
            case ACTIVE, DELETING -> "ACTIVE";
            case ERROR -> "ERROR";
            case UNKNOWN -> "UNKNOWN";
        };
    }

    private static String vmState(ServerStatus status) {
        return switch (status) {
            case BUILDING -> "building";
            case ERROR -> "error";
            case ACTIVE, DELETING, UNKNOWN -> "active";
        };
    }

    private static String taskState(ServerStatus status) {
        return switch (status) {
            case BUILDING -> "spawning";
            case DELETING -> "deleting";
            default -> null;
        };
    }

    /** Nova's hostId: sha224 of the project id and the host name, so projects cannot compare hosts by name. */
    static String hostId(String hostName) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-224");
            return HexFormat.of().formatHex(sha.digest((ServerGroupsResource.PROJECT_ID + hostName)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-224 is not available", e);
        }
    }

    /** An instant as Nova writes {@code created} and {@code updated}. */
    static String time(Instant at) {
        return SECONDS.format(at);
    }
}
