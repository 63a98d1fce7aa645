package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.common.LaunchLimits;
import io.herd.controller.core.ControllerException;
import io.herd.controller.core.FlavorManager;
import io.herd.controller.model.FlavorRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v2.1/flavors}: the controller's flavors (named sizes), the same the gRPC
 * FlavorService and {@code herdctl flavor} keep: list, detail, show, create and delete
 * (nova/api/openstack/compute/flavors.py, flavor_manage.py). Every flavor is public and
 * enabled, with no ephemeral disk, no swap and no extra specs.
 */
final class FlavorsResource {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "ram", "vcpus", "disk", "id",
            "OS-FLV-EXT-DATA:ephemeral", "swap", "rxtx_factor", "os-flavor-access:is_public", "description");

    private final FlavorManager flavors;
    private final Microversion version;
    private final Links links;

    FlavorsResource(FlavorManager flavors, Microversion version, Links links) {
        this.flavors = flavors;
        this.version = version;
        this.links = links;
    }

    /** {@code GET /flavors} and {@code /flavors/detail}: by name; {@code minRam}, {@code minDisk}, {@code limit}, {@code marker}. */
    ObjectNode list(Map<String, List<String>> query, boolean detail) {
        int minRam = Query.nonNegative(query, "minRam", 0);
        int minDisk = Query.nonNegative(query, "minDisk", 0);
        int limit = Query.nonNegative(query, "limit", ServerGroupsResource.MAX_LIMIT);
        limit = limit == 0 ? ServerGroupsResource.MAX_LIMIT : Math.min(limit, ServerGroupsResource.MAX_LIMIT);
        String marker = Query.last(query, "marker");
        List<FlavorRecord> all = flavors.list().stream()
                .filter(f -> f.memoryMib() >= minRam && f.diskGib() >= minDisk).toList();
        int from = 0;
        if (marker != null) {
            from = all.stream().map(FlavorRecord::id).toList().indexOf(marker) + 1;
            if (from == 0) {
                throw NovaError.badRequest("marker [" + marker + "] not found");
            }
        }
        ObjectNode root = NovaRoutes.object();
        ArrayNode out = root.putArray("flavors");
        all.stream().skip(from).limit(limit).forEach(f -> out.add(detail ? detail(f) : brief(f)));
        return root;
    }

    ObjectNode show(String id) {
        ObjectNode root = NovaRoutes.object();
        root.set("flavor", detail(find(id)));
        return root;
    }

    /** {@code GET /flavors/{id}/os-extra_specs}: herd's flavors have none. */
    ObjectNode extraSpecs(String id) {
        find(id);
        ObjectNode root = NovaRoutes.object();
        root.putObject("extra_specs");
        return root;
    }

    /** {@code POST /flavors} (Nova's flavor-manage): 200 with the flavor. */
    ObjectNode create(JsonNode body) {
        Schema.object(null, body);
        JsonNode f = body.get("flavor");
        if (f == null) {
            throw NovaError.badRequest("'flavor' is a required property");
        }
        Schema.object("flavor", f);
        Schema.extra("flavor", f, CREATE_FIELDS);
        Schema.extra(null, body, Set.of("flavor"));
        for (String required : List.of("name", "ram", "vcpus", "disk")) {
            if (!f.has(required)) {
                throw Schema.invalid("flavor", f, PyRepr.quote(required) + " is a required property");
            }
        }
        String name = Schema.name("name", f.get("name"));
        int ram = Schema.integer("ram", f.get("ram"), 1, (int) Math.min(Integer.MAX_VALUE,
                LaunchLimits.API.maxMemoryMib()));
        int vcpus = Schema.integer("vcpus", f.get("vcpus"), 1, LaunchLimits.API.maxVcpus());
        int disk = Schema.integer("disk", f.get("disk"), 0, (int) LaunchLimits.API.maxDiskGib());
        String id = "";
        JsonNode idNode = f.get("id");
        if (idNode != null && !idNode.isNull()) {
            id = Schema.string("id", idNode, 1, 255);
            if (!id.matches("[A-Za-z0-9._-]+")) {
                throw Schema.invalid("id", idNode, PyRepr.of(idNode) + " does not match '^[A-Za-z0-9._-]+$'");
            }
        }
        none(f, "OS-FLV-EXT-DATA:ephemeral", "herd gives servers no ephemeral disk");
        none(f, "swap", "herd gives servers no swap disk");
        JsonNode isPublic = f.get("os-flavor-access:is_public");
        if (isPublic != null && !isPublic.asBoolean(true)) {
            throw NovaError.badRequest("herd's flavors are all public: os-flavor-access:is_public must be true.");
        }
        try {
            ObjectNode root = NovaRoutes.object();
            root.set("flavor", detail(flavors.create(id, name, vcpus, ram, disk)));
            return root;
        } catch (ControllerException e) {
            throw NovaError.from(e);
        }
    }

    /** {@code DELETE /flavors/{id}}; servers made from it keep their sizes. */
    void delete(String id) {
        FlavorRecord f = find(id);
        try {
            flavors.delete(f.id());
        } catch (ControllerException e) {
            throw e.kind() == ControllerException.Kind.NOT_FOUND ? notFound(id) : NovaError.from(e);
        }
    }

    private static void none(JsonNode f, String field, String why) {
        JsonNode v = f.get(field);
        if (v != null && !v.isNull() && !(v.isTextual() && v.textValue().isEmpty()) && v.asInt(1) != 0) {
            throw NovaError.badRequest(why + ": " + field + " must be 0.");
        }
    }

    private FlavorRecord find(String id) {
        try {
            return flavors.get(id);
        } catch (ControllerException e) {
            throw e.kind() == ControllerException.Kind.NOT_FOUND ? notFound(id) : NovaError.from(e);
        }
    }

    private static NovaError notFound(String id) {
        return NovaError.notFound("Flavor " + id + " could not be found.");
    }

    private ObjectNode brief(FlavorRecord f) {
        ObjectNode out = NovaRoutes.object();
        out.put("id", f.id()).put("name", f.name());
        out.set("links", links.of("flavors", f.id()));
        if (version.atLeast(2, 55)) {
            out.putNull("description");
        }
        return out;
    }

    private ObjectNode detail(FlavorRecord f) {
        ObjectNode out = brief(f);
        out.put("ram", f.memoryMib()).put("disk", f.diskGib()).put("vcpus", f.vcpus())
                .put("OS-FLV-EXT-DATA:ephemeral", 0).put("swap", "").put("rxtx_factor", 1.0)
                .put("os-flavor-access:is_public", true).put("OS-FLV-DISABLED:disabled", false);
        if (version.atLeast(2, 61)) {
            out.putObject("extra_specs");
        }
        return out;
    }
}
