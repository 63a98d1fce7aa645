package io.herd.controller.nova;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.HostView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The image API's subset that {@code openstack server create --image} needs (Glance v2,
 * {@code /image/v2/images}): the catalogue of base images the agents offer, each image
 * named by its file name and identified by a UUID derived from that name, so that every
 * controller gives an image the same id. Read-only: images are files in the agents' image
 * directories, put there by the operator.
 */
final class ImagesResource {

    private final ControllerCore core;
    private final Links links;

    ImagesResource(ControllerCore core, Links links) {
        this.core = core;
        this.links = links;
    }

    /** An image of the catalogue: its file name and how many hosts offer it. */
    record Image(String id, String name, int hosts) {
    }

    /** The id of the image whose file is {@code name}. */
    static String idOf(String name) {
        return UUID.nameUUIDFromBytes(("herd image " + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Every image some known host offers, by name. */
    static List<Image> catalogue(ControllerCore core) {
        Map<String, Integer> hosts = new TreeMap<>();
        for (HostView h : core.hosts().list()) {
            for (String image : h.host().images()) {
                hosts.merge(image, 1, Integer::sum);
            }
        }
        return hosts.entrySet().stream().map(e -> new Image(idOf(e.getKey()), e.getKey(), e.getValue())).toList();
    }

    /** The image with this id (or, for convenience, this file name). */
    static Optional<Image> find(ControllerCore core, String idOrName) {
        return catalogue(core).stream().filter(i -> i.id().equals(idOrName) || i.name().equals(idOrName))
                .findFirst();
    }

    /** Glance's version list, naming the one version served (2.9, the images calls of it only). */
    static ObjectNode versions(Links links) {
        ObjectNode root = NovaRoutes.object();
        ObjectNode v = root.putArray("versions").addObject();
        v.put("id", "v2.9").put("status", "CURRENT");
        v.putArray("links").addObject().put("rel", "self").put("href", links.image() + "/v2/");
        return root;
    }

    /** {@code GET /v2/images}: filters {@code name}, {@code id}, {@code status}, {@code visibility}; {@code limit}, {@code marker}. */
    ObjectNode list(Map<String, List<String>> query) {
        String name = Query.last(query, "name");
        String id = Query.last(query, "id");
        String status = Query.last(query, "status");
        String visibility = Query.last(query, "visibility");
        String marker = Query.last(query, "marker");
        int limit = Query.nonNegative(query, "limit", Integer.MAX_VALUE);
        List<Image> all = catalogue(core);
        boolean none = (status != null && !status.equals("active"))
                || (visibility != null && !visibility.equals("public") && !visibility.equals("all"));
        ObjectNode root = NovaRoutes.object();
        ArrayNode images = root.putArray("images");
        boolean afterMarker = marker == null;
        for (Image image : all) {
            if (!afterMarker) {
                afterMarker = image.id().equals(marker);
                continue;
            }
            if (none || images.size() >= limit || (name != null && !name.equals(image.name()))
                    || (id != null && !id.equals(image.id()))) {
                continue;
            }
            images.add(format(image));
        }
        root.put("schema", "/v2/schemas/images").put("first", "/v2/images");
        return root;
    }

    /** {@code GET /v2/images/{id}}: the image; by its file name too. */
    ObjectNode show(String idOrName) {
        return format(find(core, idOrName).orElseThrow(() -> NovaError.notFound("No image found with ID "
                + idOrName)));
    }

    private ObjectNode format(Image image) {
        ObjectNode out = NovaRoutes.object();
        out.put("id", image.id()).put("name", image.name()).put("status", "active").put("visibility", "public")
                .put("protected", false).put("os_hidden", false).put("owner", ServerGroupsResource.PROJECT_ID)
                .put("container_format", "bare").put("disk_format", image.name().endsWith(".qcow2") ? "qcow2" : "raw")
                .put("min_disk", 0).put("min_ram", 0).putNull("size").putNull("virtual_size").putNull("checksum");
        out.putArray("tags");
        out.put("herd_hosts", Integer.toString(image.hosts()))
                .put("self", "/v2/images/" + image.id())
                .put("file", "/v2/images/" + image.id() + "/file")
                .put("schema", "/v2/schemas/image");
        return out;
    }
}
