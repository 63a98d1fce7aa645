package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import io.herd.common.LaunchRules;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of Nova's JSON schemas (nova/api/validation/parameter_types.py) that several
 * bodies share, with the validator's wording: "Invalid input for field/attribute NAME.
 * Value: VALUE. WHAT".
 */
final class Schema {

    private static final String INVALID_NAME = "An invalid 'name' value was provided. The name must be: printable "
            + "characters. Can not start or end with whitespace.";

    private Schema() {
    }

    /** Nova's parameter_types.name: 1–255 printable characters, not starting or ending with whitespace. */
    static String name(String field, JsonNode v) {
        if (!v.isTextual()) {
            throw invalid(field, v, PyRepr.of(v) + " is not of type 'string'");
        }
        String s = v.textValue();
        int chars = s.codePointCount(0, s.length());
        if (chars < 1) {
            throw invalid(field, v, PyRepr.of(v) + " is too short");
        }
        if (chars > LaunchRules.MAX_NAME_CHARS) {
            throw invalid(field, v, PyRepr.of(v) + " is too long");
        }
        boolean printable = s.codePoints().allMatch(LaunchRules::printable);
        if (!printable || Character.isWhitespace(s.codePointAt(0))
                || Character.isWhitespace(s.codePointBefore(s.length()))) {
            throw NovaError.badRequest(INVALID_NAME.replace("'name'", "'" + field + "'"));
        }
        return s;
    }

    /**
     * Nova's parameter_types.positive_integer: an integer, or a string of digits, at least 1;
     * and at most {@code max}, herd's bound.
     */
    static int positiveInteger(String field, JsonNode v, int max) {
        return integer(field, v, 1, max);
    }

    /** An integer, or a string of digits, from {@code min} to {@code max}. */
    static int integer(String field, JsonNode v, int min, int max) {
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
        if (n.compareTo(BigInteger.valueOf(min)) < 0) {
            throw invalid(field, v, PyRepr.of(v) + " is less than the minimum of " + min);
        }
        if (n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(field, v, PyRepr.of(v) + " is greater than the maximum of " + max);
        }
        return n.intValue();
    }

    /** A string of at most {@code maxChars} characters. */
    static String string(String field, JsonNode v, int minChars, int maxChars) {
        if (!v.isTextual()) {
            throw invalid(field, v, PyRepr.of(v) + " is not of type 'string'");
        }
        String s = v.textValue();
        int chars = s.codePointCount(0, s.length());
        if (chars < minChars) {
            throw invalid(field, v, PyRepr.of(v) + " is too short");
        }
        if (chars > maxChars) {
            throw invalid(field, v, PyRepr.of(v) + " is too long");
        }
        return s;
    }

    /** An object, else the validator's "is not of type 'object'". */
    static JsonNode object(String field, JsonNode v) {
        if (!v.isObject()) {
            throw field == null ? NovaError.badRequest(PyRepr.of(v) + " is not of type 'object'")
                    : invalid(field, v, PyRepr.of(v) + " is not of type 'object'");
        }
        return v;
    }

    /** jsonschema's additionalProperties: false. */
    static void extra(String field, JsonNode object, Set<String> allowed) {
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

    static NovaError invalid(String field, JsonNode value, String what) {
        return NovaError.badRequest("Invalid input for field/attribute " + field + ". Value: " + PyRepr.of(value)
                + ". " + what);
    }
}
