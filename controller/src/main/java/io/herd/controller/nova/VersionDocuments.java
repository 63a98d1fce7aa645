package io.herd.controller.nova;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The version documents clients discover the API with, shaped as Nova's
 * (nova/api/openstack/compute/versions.py): {@code GET /} lists the versions, {@code GET
 * /v2.1} describes the one there is. Only v2.1 is served; the legacy v2.0 API is not.
 */
final class VersionDocuments {

    private static final String UPDATED = "2013-07-23T11:33:21Z";

    private VersionDocuments() {
    }

    /** {@code GET /}: {"versions": [...]}, links relative to {@code baseUrl} (scheme://host:port). */
    static ObjectNode versions(String baseUrl) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode v = root.putArray("versions").addObject();
        common(v);
        v.putArray("links").addObject().put("rel", "self").put("href", baseUrl + "/v2.1/");
        return root;
    }

    /** {@code GET /v2.1}: {"version": {...}}, with its media type and a link to the docs. */
    static ObjectNode version(String baseUrl) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode v = root.putObject("version");
        common(v);
        var links = v.putArray("links");
        links.addObject().put("rel", "self").put("href", baseUrl + "/v2.1/");
        links.addObject().put("rel", "describedby").put("type", "text/html").put("href", "http://docs.openstack.org/");
        v.putArray("media-types").addObject().put("base", "application/json")
                .put("type", "application/vnd.openstack.compute+json;version=2.1");
        return root;
    }

    private static void common(ObjectNode v) {
        v.put("id", "v2.1").put("status", "CURRENT").put("version", Microversion.MAX.toString())
                .put("min_version", Microversion.MIN.toString()).put("updated", UPDATED);
    }
}
