package io.herd.controller.api;

import io.herd.common.InvalidFieldException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules for a server's metadata, the user's key/value pairs, shared by every API that
 * creates servers: at most {@value #MAX_ITEMS} pairs, keys of 1–{@value #MAX_KEY_CHARS}
 * characters, values of 0–{@value #MAX_VALUE_CHARS} characters. Nothing else is asked of
 * them: herd stores and shows them, and never reads them.
 */
public final class ServerMetadata {

    public static final int MAX_ITEMS = 128;
    public static final int MAX_KEY_CHARS = 255;
    public static final int MAX_VALUE_CHARS = 255;
    /** How much of a refused key or value a message shows. */
    private static final int SHOWN_CHARS = 32;

    private ServerMetadata() {
    }

    /**
     * The pairs, unchanged and in their order, as an immutable map.
     *
     * @param field the request's name for the whole map, e.g. {@code metadata}
     * @throws InvalidFieldException naming {@code field} and the first pair that breaks a rule
     */
    public static Map<String, String> check(String field, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return Map.of();
        }
        if (metadata.size() > MAX_ITEMS) {
            throw new InvalidFieldException(field, "has " + metadata.size() + " items, at most " + MAX_ITEMS);
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty()) {
                throw new InvalidFieldException(field, "a key is empty; keys are 1–" + MAX_KEY_CHARS + " characters");
            }
            if (chars(key) > MAX_KEY_CHARS) {
                throw new InvalidFieldException(field, "key '" + shown(key) + "' is longer than " + MAX_KEY_CHARS
                        + " characters");
            }
            if (chars(e.getValue()) > MAX_VALUE_CHARS) {
                throw new InvalidFieldException(field, "the value of key '" + shown(key) + "' is longer than "
                        + MAX_VALUE_CHARS + " characters");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    private static int chars(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The start of a long key, and no control characters (they would break a log line). */
    private static String shown(String key) {
        StringBuilder b = new StringBuilder();
        key.codePoints().limit(SHOWN_CHARS).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return chars(key) > SHOWN_CHARS ? b + "…" : b.toString();
    }
}
