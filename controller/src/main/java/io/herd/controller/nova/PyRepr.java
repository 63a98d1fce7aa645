package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A JSON value written as Nova's validation messages show it: Python's repr of the decoded
 * value ({@code 'text'}, {@code True}, {@code None}, {@code {'a': [1]}}). Only for messages;
 * long values are cut.
 */
final class PyRepr {

    private static final int MAX_CHARS = 1000;

    private PyRepr() {
    }

    static String of(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "..." : out.toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder();
        quote(text, out);
        return out.toString();
    }

    private static void write(JsonNode v, StringBuilder out) {
        if (out.length() > MAX_CHARS) {
            return;
        }
        if (v == null || v.isNull() || v.isMissingNode()) {
            out.append("None");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue() ? "True" : "False");
        } else if (v.isTextual()) {
            quote(v.textValue(), out);
        } else if (v.isNumber()) {
            out.append(v.asText());
        } else if (v.isArray()) {
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                write(v.get(i), out);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> f : v.properties()) {
                out.append(first ? "" : ", ");
                first = false;
                quote(f.getKey(), out);
                out.append(": ");
                write(f.getValue(), out);
            }
            out.append('}');
        }
    }

    private static void quote(String text, StringBuilder out) {
        out.append('\'');
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(cp)) {
                        out.append(String.format("\\x%02x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        out.append('\'');
    }
}
