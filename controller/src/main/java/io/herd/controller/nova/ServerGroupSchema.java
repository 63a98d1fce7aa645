package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import io.herd.controller.placement.Policy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a server group create body as Nova's JSON schemas do
 * (nova/api/openstack/compute/schemas/server_groups.py: {@code create} up to 2.14,
 * {@code create_v215} adding the soft policies, {@code create_v264} with {@code policy} and
 * {@code rules}), in the schemas' order, so that the first fault found and its message are
 * the ones Nova gives. The wording follows Nova's validator: "Invalid input for
 * field/attribute NAME. Value: VALUE. WHAT".
 */
final class ServerGroupSchema {

    /** A create body that passed: the name, the policy and, for anti-affinity, the most members per host. */
    record Create(String name, Policy policy, int maxPerHost) {
    }

    /** Largest max_server_per_host herd takes (its max_per_domain bound). */
    static final int MAX_PER_HOST = 1000;

    private static final List<String> HARD = List.of("anti-affinity", "affinity");
    private static final List<String> ALL = List.of("anti-affinity", "affinity", "soft-anti-affinity",
            "soft-affinity");

    private ServerGroupSchema() {
    }

    static Create create(JsonNode body, Microversion version) {
        boolean policyObject = version.atLeast(2, 64);
        List<String> listForm = version.atLeast(2, 15) ? ALL : HARD;
        if (!body.isObject()) {
            throw NovaError.badRequest(PyRepr.of(body) + " is not of type 'object'");
        }
        JsonNode group = body.get("server_group");
        if (group == null) {
            throw NovaError.badRequest("'server_group' is a required property");
        }
        if (!group.isObject()) {
            throw Schema.invalid("server_group", group, PyRepr.of(group) + " is not of type 'object'");
        }
        String name = null;
        String policy = null;
        JsonNode rules = null;
        if (group.has("name")) {
            name = Schema.name("name", group.get("name"));
        }
        if (policyObject) {
            if (group.has("policy")) {
                policy = policy("policy", group.get("policy"), ALL);
            }
            if (group.has("rules")) {
                rules = rules(group.get("rules"));
            }
        } else if (group.has("policies")) {
            policy = policies(group.get("policies"), listForm);
        }
        for (String required : policyObject ? List.of("name", "policy") : List.of("name", "policies")) {
            if (!group.has(required)) {
                throw Schema.invalid("server_group", group, PyRepr.quote(required) + " is a required property");
            }
        }
        Schema.extra("server_group", group, policyObject ? Set.of("name", "policy", "rules") : Set.of("name", "policies"));
        Schema.extra(null, body, Set.of("server_group"));
        int maxPerHost = 1;
        if (rules != null && rules.size() > 0) {
            if (!policy.equals("anti-affinity")) {
                throw NovaError.badRequest("Only anti-affinity policy supports rules.");
            }
            if (rules.has("max_server_per_host")) {
                maxPerHost = maxPerHost(rules.get("max_server_per_host"));
            }
        }
        return new Create(name, Policy.valueOf(policy.toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                maxPerHost);
    }

    /** 2.64's {@code policy}: one of the four names. */
    private static String policy(String field, JsonNode v, List<String> allowed) {
        if (!v.isTextual()) {
            throw Schema.invalid(field, v, PyRepr.of(v) + " is not of type 'string'");
        }
        if (!allowed.contains(v.textValue())) {
            throw Schema.invalid(field, v, PyRepr.of(v) + " is not one of " + allowed.stream().map(PyRepr::quote)
                    .collect(Collectors.joining(", ", "[", "]")));
        }
        return v.textValue();
    }

    /** Before 2.64, {@code policies}: a list of exactly one policy name. */
    private static String policies(JsonNode v, List<String> allowed) {
        if (!v.isArray()) {
            throw Schema.invalid("policies", v, PyRepr.of(v) + " is not of type 'array'");
        }
        if (v.size() > 0) {
            policy("0", v.get(0), allowed);
        }
        Set<JsonNode> seen = new HashSet<>();
        for (JsonNode item : v) {
            if (!seen.add(item)) {
                throw Schema.invalid("policies", v, PyRepr.of(v) + " has non-unique elements");
            }
        }
        if (v.isEmpty()) {
            throw Schema.invalid("policies", v, PyRepr.of(v) + " is too short");
        }
        if (v.size() > 1) {
            throw Schema.invalid("policies", v, PyRepr.of(v) + " is too long");
        }
        return v.get(0).textValue();
    }

    private static JsonNode rules(JsonNode v) {
        if (!v.isObject()) {
            throw Schema.invalid("rules", v, PyRepr.of(v) + " is not of type 'object'");
        }
        if (v.has("max_server_per_host")) {
            maxPerHost(v.get("max_server_per_host"));
        }
        Schema.extra("rules", v, Set.of("max_server_per_host"));
        return v;
    }

    /** Nova's parameter_types.positive_integer, at most {@value #MAX_PER_HOST}, herd's bound. */
    private static int maxPerHost(JsonNode v) {
        return Schema.positiveInteger("max_server_per_host", v, MAX_PER_HOST);
    }
}
