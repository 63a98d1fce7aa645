package io.herd.controller.nova;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The links of resources, as Nova writes them: a {@code self} link under the version and a
 * {@code bookmark} without it, both absolute, with the scheme, host and port the client used.
 *
 * @param base {@code scheme://host:port}, without a trailing slash
 */
record Links(String base) {

    /** {@code [{"rel": "self", "href": base/v2.1/herd/kind/id}, {"rel": "bookmark", "href": base/herd/kind/id}]}. */
    ArrayNode of(String kind, String id) {
        ArrayNode links = JsonNodeFactory.instance.arrayNode();
        links.addObject().put("rel", "self").put("href", base + "/v2.1/" + ServerGroupsResource.PROJECT_ID + "/"
                + kind + "/" + id);
        links.addObject().put("rel", "bookmark").put("href", bookmark(kind, id));
        return links;
    }

    /** The link without the version: base/herd/kind/id. */
    String bookmark(String kind, String id) {
        return base + "/" + ServerGroupsResource.PROJECT_ID + "/" + kind + "/" + id;
    }

    /** The image API's root. */
    String image() {
        return base + "/image";
    }
}
