package io.herd.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerCore;
import java.util.HashMap;
import java.util.Map;

/**
 * The hosts and groups as the console shows them, looked at most once per {@link #MAX_AGE_MS}
 * whatever the number of open streams: the core publishes no host or group changes, so every
 * stream compares this with what it sent last.
 */
final class HostsAndGroups {

    /** How old a look may be and still be handed out. */
    static final long MAX_AGE_MS = 900;

    /** One look: each host and group by id, as JSON. */
    record Look(ControllerCore core, long takenNanos, Map<String, JsonNode> hosts, Map<String, JsonNode> groups) {
    }

    private Look last;

    /** A look at {@code core}'s hosts and groups no older than {@link #MAX_AGE_MS}. */
    synchronized Look current(ControllerCore core) {
        long now = System.nanoTime();
        if (last == null || last.core() != core || now - last.takenNanos() > MAX_AGE_MS * 1_000_000) {
            Map<String, JsonNode> hosts = new HashMap<>();
            core.hosts().list().forEach(h -> {
                ObjectNode node = ConsoleJson.host(h);
                hosts.put(node.path("id").asText(), node);
            });
            Map<String, JsonNode> groups = new HashMap<>();
            core.groups().list().forEach(g -> {
                ObjectNode node = ConsoleJson.group(g);
                groups.put(node.path("id").asText(), node);
            });
            last = new Look(core, now, hosts, groups);
        }
        return last;
    }
}
