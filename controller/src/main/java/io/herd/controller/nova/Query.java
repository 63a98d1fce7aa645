package io.herd.controller.nova;

import java.util.List;
import java.util.Map;

/** A request's query parameters as Nova reads them: where one is given twice, the last counts. */
final class Query {

    private Query() {
    }

    /** The parameter's last value; null when it is not given. */
    static String last(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** Nova's parameter_types.non_negative_integer; {@code absent} when not given, 400 when not a number. */
    static int nonNegative(Map<String, List<String>> query, String name, int absent) {
        String v = last(query, name);
        if (v == null) {
            return absent;
        }
        if (!v.matches("[0-9]+")) {
            throw NovaError.badRequest("Invalid input for query parameters " + name + ". Value: " + v + ". "
                    + PyRepr.quote(v) + " does not match '^[0-9]*$'");
        }
        return v.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(v);
    }
}
