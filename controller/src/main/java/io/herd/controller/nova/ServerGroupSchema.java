package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import io.herd.common.LaunchRules;
import io.herd.controller.placement.Policy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    private static final String INVALID_NAME = "An invalid 'name' value was provided. The name must be: printable "
            + "characters. Can not start or end with whitespace.";

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
            throw invalid("server_group", group, PyRepr.of(group) + " is not of type 'object'");
        }
        String name = null;
        String policy = null;
        JsonNode rules = null;
        if (group.has("name")) {
            name = name(group.get("name"));
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
                throw invalid("server_group", group, PyRepr.quote(required) + " is a required property");
            }
        }
        extra("server_group", group, policyObject ? Set.of("name", "policy", "rules") : Set.of("name", "policies"));
        extra(null, body, Set.of("server_group"));
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

    /** Nova's parameter_types.name: 1–255 printable characters, not starting or ending with whitespace. */
    private static String name(JsonNode v) {
        if (!v.isTextual()) {
            throw invalid("name", v, PyRepr.of(v) + " is not of type 'string'");
        }
        String s = v.textValue();
        int chars = s.codePointCount(0, s.length());
        if (chars < 1) {
            throw invalid("name", v, PyRepr.of(v) + " is too short");
        }
        if (chars > LaunchRules.MAX_NAME_CHARS) {
            throw invalid("name", v, PyRepr.of(v) + " is too long");
        }
        boolean printable = s.codePoints().allMatch(LaunchRules::printable);
        if (!printable || Character.isWhitespace(s.codePointAt(0))
                || Character.isWhitespace(s.codePointBefore(s.length()))) {
            throw NovaError.badRequest(INVALID_NAME);
        }
        return s;
    }

    /** 2.64's {@code policy}: one of the four names. */
    private static String policy(String field, JsonNode v, List<String> allowed) {
        if (!v.isTextual()) {
            throw invalid(field, v, PyRepr.of(v) + " is not of type 'string'");
        }
        if (!allowed.contains(v.textValue())) {
            throw invalid(field, v, PyRepr.of(v) + " is not one of " + allowed.stream().map(PyRepr::quote)
                    .collect(Collectors.joining(", ", "[", "]")));
        }
        return v.textValue();
    }

    /** Before 2.64, {@code policies}: a list of exactly one policy name. */
    private static String policies(JsonNode v, List<String> allowed) {
        if (!v.isArray()) {
            throw invalid("policies", v, PyRepr.of(v) + " is not of type 'array'");
        }
        if (v.size() > 0) {
            policy("0", v.get(0), allowed);
        }
        Set<JsonNode> seen = new HashSet<>();
        for (JsonNode item : v) {
            if (!seen.add(item)) {
                throw invalid("policies", v, PyRepr.of(v) + " has non-unique elements");
            }
        }
        if (v.isEmpty()) {
            throw invalid("policies", v, PyRepr.of(v) + " is too short");
        }
        if (v.size() > 1) {
            throw invalid("policies", v, PyRepr.of(v) + " is too long");
        }
        return v.get(0).textValue();
    }

    private static JsonNode rules(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("rules", v, PyRepr.of(v) + " is not of type 'object'");
        }
        if (v.has("max_server_per_host")) {
            maxPerHost(v.get("max_server_per_host"));
        }
        extra("rules", v, Set.of("max_server_per_host"));
        return v;
    }

    /**
     * Nova's parameter_types.positive_integer: an integer, or a string of digits, at least 1;
     * and at most {@value #MAX_PER_HOST}, herd's bound.
     */
    private static int maxPerHost(JsonNode v) {
        String field = "max_server_per_host";
        BigInteger n;
        if (v.isTextual()) {
            String s = v.textValue();
            if (!s.matches("[0-9]*")) {
                throw invalid(field, v, PyRepr.of(v) + " does not match '^[0-9]*$'");
            }
            if (s.isEmpty()) {
                throw invalid(field, v, PyRepr.of(v) + " is too short");
            }
            n = new BigInteger(s);
        } else if (v.isIntegralNumber()) {
            n = v.bigIntegerValue();
        } else if (v.isFloatingPointNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0) {
            n = v.decimalValue().toBigInteger();
        } else {
            throw invalid(field, v, PyRepr.of(v) + " is not of type 'integer', 'string'");
        }
        if (n.signum() <= 0) {
            throw invalid(field, v, PyRepr.of(v) + " is less than the minimum of 1");
        }
        if (n.compareTo(BigInteger.valueOf(MAX_PER_HOST)) > 0) {
            throw invalid(field, v, PyRepr.of(v) + " is greater than the maximum of " + MAX_PER_HOST);
        }
        return n.intValue();
    }

    /** jsonschema's additionalProperties: false. */
    private static void extra(String field, JsonNode object, Set<String> allowed) {
        List<String> extras = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : object.properties()) {
            if (!allowed.contains(f.getKey())) {
                extras.add(PyRepr.quote(f.getKey()));
            }
        }
        if (extras.isEmpty()) {
            return;
        }
        String message = "Additional properties are not allowed (" + String.join(", ", extras)
                + (extras.size() == 1 ? " was" : " were") + " unexpected)";
        throw field == null ? NovaError.badRequest(message) : invalid(field, object, message);
    }

    private static NovaError invalid(String field, JsonNode value, String what) {
        return NovaError.badRequest("Invalid input for field/attribute " + field + ". Value: " + PyRepr.of(value)
                + ". " + what);
    }
}
