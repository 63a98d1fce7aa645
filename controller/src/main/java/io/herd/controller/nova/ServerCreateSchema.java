package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a server create body as Nova's schema does (nova/api/openstack/compute/schemas/
 * servers.py), for the properties herd serves: {@code name}, {@code imageRef},
 * {@code flavorRef}, {@code min_count}, {@code max_count}, {@code networks} ("none", "auto",
 * or one network named by its {@code uuid}), {@code metadata}, {@code OS-DCF:diskConfig},
 * {@code security_groups} (only "default"), {@code return_reservation_id}, and the
 * {@code group} scheduler hint. A property Nova knows and herd cannot honour (a key pair,
 * user data, a volume, an availability zone, …) is refused with a 400 naming it, rather than
 * ignored.
 */
final class ServerCreateSchema {

    /** Most servers of one create (herd's bound on a gang). */
    static final int MAX_COUNT = 1000;
    /** Nova's default quota of metadata items per server. */
    static final int MAX_METADATA_ITEMS = 128;

    private static final Set<String> TOP = Set.of("server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints");
    private static final Set<String> SERVED = Set.of("name", "imageRef", "flavorRef", "min_count", "max_count",
            "networks", "metadata", "OS-DCF:diskConfig", "security_groups", "return_reservation_id");
    /** Properties of Nova's create that herd has no use for, refused by name. */
    private static final Set<String> NOT_SERVED = Set.of("key_name", "user_data", "config_drive", "adminPass",
            "accessIPv4", "accessIPv6", "availability_zone", "block_device_mapping", "block_device_mapping_v2",
            "personality", "tags", "description", "trusted_image_certificates", "host", "hypervisor_hostname",
            "hostname");

    /**
     * A create body that passed.
     *
     * @param imageRef   the image's id (or link); empty: a diskless server
     * @param network    the libvirt network of its one NIC; empty: none
     * @param groupRef   the group hint; empty: none
     */
    record Create(String name, String imageRef, String flavorRef, int minCount, int maxCount, String network,
                  Map<String, String> metadata, String groupRef, boolean returnReservationId) {
    }

    private ServerCreateSchema() {
    }

    static Create create(JsonNode body, Microversion version) {
        Schema.object(null, body);
        JsonNode server = body.get("server");
        if (server == null) {
            throw NovaError.badRequest("'server' is a required property");
        }
        Schema.object("server", server);
        for (String key : (Iterable<String>) server::fieldNames) {
            if (NOT_SERVED.contains(key)) {
                throw NovaError.badRequest("herd does not support '" + key + "' in a server create; see "
                        + "docs/nova-api.md for what it supports.");
            }
        }
        Schema.extra("server", server, SERVED);
        Schema.extra(null, body, TOP);
        if (!server.has("name")) {
            throw Schema.invalid("server", server, "'name' is a required property");
        }
        if (!server.has("flavorRef")) {
            throw Schema.invalid("server", server, "'flavorRef' is a required property");
        }
        String name = Schema.name("name", server.get("name"));
        String flavorRef = reference("flavorRef", server.get("flavorRef"));
        String imageRef = server.has("imageRef") ? imageRef(server.get("imageRef")) : "";
        int min = server.has("min_count") ? Schema.positiveInteger("min_count", server.get("min_count"), MAX_COUNT)
                : 1;
        int max = server.has("max_count") ? Schema.positiveInteger("max_count", server.get("max_count"), MAX_COUNT)
                : min;
        if (min > max) {
            throw NovaError.badRequest("min_count must be <= max_count");
        }
        String network = networks(server, version);
        Map<String, String> metadata = server.has("metadata") ? metadata(server.get("metadata"))
                : Map.of();
        if (server.has("OS-DCF:diskConfig")) {
            JsonNode d = server.get("OS-DCF:diskConfig");
            if (!d.isTextual() || !Set.of("AUTO", "MANUAL").contains(d.textValue())) {
                throw Schema.invalid("OS-DCF:diskConfig", d, PyRepr.of(d) + " is not one of ['AUTO', 'MANUAL']");
            }
        }
        securityGroups(server.get("security_groups"));
        boolean reservation = false;
        if (server.has("return_reservation_id")) {
            JsonNode r = server.get("return_reservation_id");
            if (!r.isBoolean()) {
                throw Schema.invalid("return_reservation_id", r, PyRepr.of(r) + " is not of type 'boolean'");
            }
            reservation = r.booleanValue();
        }
        return new Create(name, imageRef, flavorRef, min, max, network, metadata, group(body), reservation);
    }

    /** A flavor reference: its id, or a link whose last segment is the id. */
    private static String reference(String field, JsonNode v) {
        String s = v.isIntegralNumber() ? v.asText() : Schema.string(field, v, 1, 255);
        if (s.isBlank()) {
            throw Schema.invalid(field, v, PyRepr.of(v) + " does not match '^(?!\\\\s*$).+'");
        }
        return lastSegment(s);
    }

    /** An image reference: empty (no image), an id, or a link ending in the id. */
    private static String imageRef(JsonNode v) {
        String s = Schema.string("imageRef", v, 0, 255);
        return s.isEmpty() ? "" : lastSegment(s);
    }

    private static String lastSegment(String ref) {
        String s = ref.endsWith("/") ? ref.substring(0, ref.length() - 1) : ref;
        return s.contains("/") ? s.substring(s.lastIndexOf('/') + 1) : s;
    }

    /**
     * {@code networks}: from 2.37 required, "none" or "auto" (both: no NIC; herd allocates no
     * network) or a list; a list holds at most one network, its {@code uuid} naming the
     * libvirt network.
     */
    private static String networks(JsonNode server, Microversion version) {
        JsonNode v = server.get("networks");
        if (v == null) {
            if (version.atLeast(2, 37)) {
                throw Schema.invalid("server", server, "'networks' is a required property");
            }
            return "";
        }
        if (v.isTextual() && version.atLeast(2, 37)) {
            if (!v.textValue().equals("none") && !v.textValue().equals("auto")) {
                throw Schema.invalid("networks", v, PyRepr.of(v) + " is not one of ['none', 'auto']");
            }
            return "";
        }
        if (!v.isArray()) {
            throw Schema.invalid("networks", v, PyRepr.of(v) + " is not of type 'array'");
        }
        if (v.isEmpty()) {
            return "";
        }
        if (v.size() > 1) {
            throw NovaError.badRequest("herd gives a server at most one NIC: 'networks' names "
                    + v.size() + " networks.");
        }
        JsonNode net = Schema.object("networks", v.get(0));
        for (String key : (Iterable<String>) net::fieldNames) {
            if (!key.equals("uuid")) {
                throw NovaError.badRequest("herd does not support '" + key + "' in a network of a server create: "
                        + "name the libvirt network with 'uuid'.");
            }
        }
        if (!net.has("uuid")) {
            throw NovaError.badRequest("a network of a server create needs 'uuid', naming the libvirt network.");
        }
        return Schema.string("uuid", net.get("uuid"), 1, 255);
    }

    /** Nova's metadata: string keys of 1–255 characters, string values of up to 255; at most 128 items. */
    private static Map<String, String> metadata(JsonNode v) {
        Schema.object("metadata", v);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String key = e.getKey();
            int chars = key.codePointCount(0, key.length());
            if (chars < 1 || chars > 255) {
                throw Schema.invalid("metadata", v, PyRepr.quote(key) + " does not match any of the regexes: "
                        + "'^[a-zA-Z0-9-_:. ]{1,255}$'");
            }
            out.put(key, Schema.string(key, e.getValue(), 0, 255));
        }
        if (out.size() > MAX_METADATA_ITEMS) {
            throw new NovaError(403, "Quota exceeded for metadata_items: the most a server may have is "
                    + MAX_METADATA_ITEMS + ", this one has " + out.size() + ".");
        }
        return Collections.unmodifiableMap(out);
    }

    /** Security groups: herd has none; the "default" one clients name is accepted. */
    private static void securityGroups(JsonNode v) {
        if (v == null) {
            return;
        }
        if (!v.isArray()) {
            throw Schema.invalid("security_groups", v, PyRepr.of(v) + " is not of type 'array'");
        }
        for (JsonNode g : v) {
            if (!g.isObject() || !g.path("name").asText("").equals("default")) {
                throw NovaError.badRequest("herd has no security groups: only 'default' may be named, not "
                        + PyRepr.of(g) + ".");
            }
        }
    }

    /** The {@code group} scheduler hint, as a string or a list of one; other hints are refused by name. */
    private static String group(JsonNode body) {
        JsonNode hints = body.has("os:scheduler_hints") ? body.get("os:scheduler_hints")
                : body.get("OS-SCH-HNT:scheduler_hints");
        if (hints == null) {
            return "";
        }
        Schema.object("os:scheduler_hints", hints);
        for (String key : (Iterable<String>) hints::fieldNames) {
            if (!key.equals("group")) {
                throw NovaError.badRequest("herd does not support the scheduler hint '" + key + "'; it places by "
                        + "server groups: use 'group'.");
            }
        }
        JsonNode g = hints.get("group");
        if (g == null) {
            return "";
        }
        if (g.isArray() && g.size() == 1) {
            g = g.get(0);
        }
        return Schema.string("group", g, 1, 255);
    }
}
