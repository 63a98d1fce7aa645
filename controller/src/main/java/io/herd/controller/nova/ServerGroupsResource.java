package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerException;
import io.herd.controller.core.GroupManager;
import io.herd.controller.core.GroupView;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.placement.Scope;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code /v2.1/os-server-groups}: list, show, create and delete server groups of the core's
 * {@link GroupManager}, the same groups the gRPC API serves, in the form the request's
 * microversion asks for (nova/api/openstack/compute/server_groups.py). Before 2.64 a group
 * shows {@code policies: [policy]} and an empty {@code metadata}; from 2.64 {@code policy}
 * and {@code rules}, where herd's max_per_domain of a HOST-scoped anti-affinity group is
 * {@code max_server_per_host}. A RACK- or ZONE-scoped group shows its policy and no rules:
 * its limit counts members per rack or zone, which Nova has no word for.
 */
final class ServerGroupsResource {

    /** Nova's projects and users do not exist in herd: every group shows these. */
    static final String PROJECT_ID = "herd";
    static final String USER_ID = "herd";
    /** Nova's osapi_max_limit: the longest page of a list. */
    static final int MAX_LIMIT = 1000;

    private final GroupManager groups;

    ServerGroupsResource(GroupManager groups) {
        this.groups = groups;
    }

    ObjectNode list(Map<String, List<String>> query, Microversion version) {
        int offset = Query.nonNegative(query, "offset", 0);
        int limit = Query.nonNegative(query, "limit", MAX_LIMIT);
        limit = limit == 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
        List<GroupView> all = groups.list().stream()
                .sorted(Comparator.comparing((GroupView g) -> g.group().createdAt())
                        .thenComparing(g -> g.group().id()))
                .toList();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode out = root.putArray("server_groups");
        all.stream().skip(offset).limit(limit).forEach(g -> out.add(format(g, version)));
        return root;
    }

    ObjectNode show(String id, Microversion version) {
        return wrap(format(find(id), version));
    }

    ObjectNode create(JsonNode body, Microversion version) {
        ServerGroupSchema.Create c = ServerGroupSchema.create(body, version);
        try {
            return wrap(format(groups.create(c.name(), c.policy(), Scope.HOST, c.maxPerHost(), null), version));
        } catch (ControllerException e) {
            throw NovaError.from(e);
        }
    }

    void delete(String id) {
        GroupView g = find(id);
        try {
            groups.delete(g.group().id());
        } catch (ControllerException e) {
            if (e.kind() == ControllerException.Kind.NOT_FOUND) {
                throw notFound(id);
            }
            throw NovaError.from(e);
        }
    }

    private GroupView find(String id) {
        try {
            return groups.get(id);
        } catch (ControllerException e) {
            if (e.kind() == ControllerException.Kind.NOT_FOUND) {
                throw notFound(id);
            }
            throw NovaError.from(e);
        }
    }

    private static NovaError notFound(String id) {
        return NovaError.notFound("Instance group " + id + " could not be found.");
    }

    private static ObjectNode wrap(ObjectNode group) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("server_group", group);
        return root;
    }

    static ObjectNode format(GroupView view, Microversion version) {
        GroupRecord g = view.group();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", g.id()).put("name", g.name());
        String policy = g.policy().displayName();
        if (version.atLeast(2, 64)) {
            out.put("policy", policy);
            ObjectNode rules = out.putObject("rules");
            if (g.scope() == Scope.HOST && g.policy() == io.herd.controller.placement.Policy.ANTI_AFFINITY
                    && g.maxPerDomain() > 1) {
                rules.put("max_server_per_host", g.maxPerDomain());
            }
        } else {
            out.putArray("policies").add(policy);
            out.putObject("metadata");
        }
        ArrayNode members = out.putArray("members");
        view.memberIds().forEach(members::add);
        if (version.atLeast(2, 13)) {
            out.put("project_id", PROJECT_ID).put("user_id", USER_ID);
        }
        return out;
    }
}
