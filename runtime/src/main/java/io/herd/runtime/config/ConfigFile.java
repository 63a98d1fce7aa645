package io.herd.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program's configuration as dotted keys: its defaults, then the YAML file (nested maps
 * become {@code tls.cert_file}), then command-line overrides. A key the program does not
 * know, in the file or on the command line, is refused by name, as is a list where one value
 * belongs. A key that takes several values takes a YAML list of them, or one string of them
 * separated by commas (the list becomes that string).
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * @param defaults  every key the program knows, with its default as text
     * @param file      YAML file, or null for defaults and overrides only
     * @param overrides dotted keys from the command line, laid over the file
     */
    public static ConfigValues load(Map<String, String> defaults, Path file, Map<String, String> overrides) {
        return load(defaults, Set.of(), file, overrides);
    }

    /**
     * As {@link #load(Map, Path, Map)}; the keys of {@code listKeys} may be YAML lists of
     * single values, which become one comma-separated string.
     */
    public static ConfigValues load(Map<String, String> defaults, Set<String> listKeys, Path file,
                                    Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        if (file != null) {
            values.putAll(read(file, defaults, listKeys));
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!defaults.containsKey(o.getKey())) {
                throw new ConfigException(o.getKey(), "unknown key");
            }
            values.put(o.getKey(), o.getValue() == null ? "" : o.getValue());
        }
        return new ConfigValues(values);
    }

    /** The file alone, as dotted keys (refusing keys not in {@code known}). */
    public static Map<String, String> read(Path file, Map<String, String> known) {
        return read(file, known, Set.of());
    }

    /** The file alone, as dotted keys; the keys of {@code listKeys} may be YAML lists. */
    public static Map<String, String> read(Path file, Map<String, String> known, Set<String> listKeys) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "no such file: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("--config", "cannot read " + file + " as YAML: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConfigException("--config", file + " must be a YAML mapping of keys to values");
        }
        flatten("", root, known, listKeys, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> known, Set<String> listKeys,
                                Map<String, String> out) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                flatten(key + ".", v, known, listKeys, out);
            } else if (!known.containsKey(key)) {
                throw new ConfigException(key, "unknown key (known keys: " + String.join(", ", known.keySet()) + ")");
            } else if (v.isArray() && listKeys.contains(key)) {
                out.put(key, joined(key, v));
            } else if (v.isArray()) {
                throw new ConfigException(key, "must be a single value, not a list");
            } else {
                out.put(key, v.isNull() ? "" : v.asText());
            }
        }
    }

    private static String joined(String key, JsonNode list) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isValueNode() || item.isNull()) {
                throw new ConfigException(key, "must be a list of single values, was " + list);
            }
            items.add(item.asText().trim());
        }
        return String.join(",", items);
    }
}
