package io.herd.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.ServerChange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One browser's stream of changes, as server-sent events: first {@code state} (everything,
 * as {@link ConsoleJson#snapshot}), then {@code server} for each change WatchServers reports
 * ({@code {"kind": "CHANGED"|"DELETED", "server": {…}}}), and {@code host}, {@code host-removed},
 * {@code group}, {@code group-removed} for hosts and groups, which the core does not publish:
 * the stream compares their list with what it last sent once a second and sends what differs.
 * A stream that falls {@link #MAX_BACKLOG} changes behind sends {@code resync} and ends; the
 * page then opens a new one, which begins with a fresh state.
 */
final class EventStream {

    /** Server changes a stream may hold unsent; past it, the browser is sent a fresh state instead. */
    static final int MAX_BACKLOG = 50_000;
    /** How often host and group changes are looked for. */
    static final long POLL_MS = 1_000;
    /**
     * A comment line this often keeps proxies from closing an idle stream, and lets the stream
     * notice within seconds that its browser went away (a write then fails).
     */
    static final long KEEPALIVE_MS = 2_000;
    /** Server changes written before one flush. */
    private static final int BATCH = 500;

    private final BlockingQueue<ServerChange> changes = new LinkedBlockingQueue<>();
    private volatile boolean overflowed;
    private Map<String, JsonNode> hosts = Map.of();
    private Map<String, JsonNode> groups = Map.of();
    private final HostsAndGroups shared;

    /** @param shared the hosts and groups, looked at for every stream at once */
    EventStream(HostsAndGroups shared) {
        this.shared = shared;
    }

    /**
     * Streams until the browser goes away (a write fails), {@code over} says so (the console
     * stops, or this controller no longer leads with {@code core}), or the stream falls behind.
     */
    void run(ControllerCore core, OutputStream out, BooleanSupplier over) throws IOException {
        // subscribe before the snapshot: a change that lands between them is sent after it, and
        // applying it again changes nothing
        Runnable unsubscribe = core.servers().watch("", List.of(), this::offer);
        try {
            ObjectNode state = ConsoleJson.snapshot(core);
            hosts = byId(state.path("hosts"));
            groups = byId(state.path("groups"));
            StringBuilder batch = new StringBuilder();
            event(batch, "state", state);
            write(out, batch);
            long nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MS);
            long lastWrite = System.nanoTime();
            while (!over.getAsBoolean()) {
                long wait = Math.max(0, nextPoll - System.nanoTime());
                ServerChange first;
                try {
                    first = changes.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (overflowed) {
                    event(batch, "resync", JsonNodeFactory.instance.objectNode());
                    write(out, batch);
                    return;
                }
                List<ServerChange> taken = new ArrayList<>();
                if (first != null) {
                    taken.add(first);
                    changes.drainTo(taken, BATCH - 1);
                }
                for (ServerChange c : taken) {
                    ObjectNode data = JsonNodeFactory.instance.objectNode().put("kind", c.kind().name());
                    data.set("server", ConsoleJson.server(c.server()));
                    event(batch, "server", data);
                }
                if (System.nanoTime() - nextPoll >= 0) {
                    pollHostsAndGroups(core, batch);
                    nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MS);
                }
                boolean idle = System.nanoTime() - lastWrite > TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MS);
                if (batch.length() == 0 && idle) {
                    batch.append(": keepalive\n\n");
                }
                if (batch.length() > 0) {
                    write(out, batch);
                    lastWrite = System.nanoTime();
                }
            }
        } finally {
            unsubscribe.run();
        }
    }

    /** Called under the inventory lock: never blocks. */
    private void offer(ServerChange change) {
        if (change.kind() == ServerChange.Kind.SNAPSHOT || overflowed) {
            return; // the state event carries the snapshot
        }
        if (changes.size() >= MAX_BACKLOG) {
            overflowed = true;
            return;
        }
        changes.add(change);
    }

    private void pollHostsAndGroups(ControllerCore core, StringBuilder batch) {
        HostsAndGroups.Look look = shared.current(core);
        diff(batch, "host", hosts, look.hosts());
        hosts = look.hosts();
        diff(batch, "group", groups, look.groups());
        groups = look.groups();
    }

    /** {@code name} for each new or changed item, {@code name-removed} for each gone. */
    private static void diff(StringBuilder batch, String name, Map<String, JsonNode> before,
                             Map<String, JsonNode> now) {
        now.forEach((id, node) -> {
            JsonNode was = before.get(id);
            if (was != node && !node.equals(was)) {
                event(batch, name, node);
            }
        });
        before.keySet().stream().filter(id -> !now.containsKey(id)).forEach(id ->
                event(batch, name + "-removed", JsonNodeFactory.instance.objectNode().put("id", id)));
    }

    private static Map<String, JsonNode> byId(JsonNode items) {
        Map<String, JsonNode> out = new HashMap<>();
        items.forEach(n -> out.put(n.path("id").asText(), n));
        return out;
    }

    /** One event; the data is one line, since JSON written this way has no line breaks. */
    private static void event(StringBuilder batch, String name, JsonNode data) {
        batch.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
    }

    private static void write(OutputStream out, StringBuilder batch) throws IOException {
        out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        batch.setLength(0);
    }
}
