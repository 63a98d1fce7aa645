package io.herd.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A server's metadata column: a JSON object of string values, keys in the order the user gave
 * them (both engines keep the text as written; a JSON object is read back in its text's order).
 */
final class MetadataJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> TYPE = new TypeReference<>() {
    };

    private MetadataJson() {
    }

    static String write(Map<String, String> metadata) throws SQLException {
        if (metadata.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write a server's metadata as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Throws for text that is not a JSON object of strings: a row no controller wrote. */
    static Map<String, String> read(String serverId, String text) throws SQLException {
        if (text == null || text.equals("{}")) {
            return Map.of();
        }
        try {
            Map<String, String> metadata = JSON.readValue(text, TYPE);
            if (metadata == null) {
                throw new SQLException("server " + serverId + ": metadata is JSON null, not an object");
            }
            return metadata;
        } catch (JsonProcessingException e) {
            throw new SQLException("server " + serverId + ": metadata is not a JSON object of strings: "
                    + e.getOriginalMessage(), e);
        }
    }
}
