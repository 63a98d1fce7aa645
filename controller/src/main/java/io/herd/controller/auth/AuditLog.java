package io.herd.controller.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import io.grpc.Status;
import io.herd.runtime.tls.Identity;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per change asked of the controller — who (identity, how it
 * was established, role), what (method and request), from where, and the result — on the
 * logger {@code herd.audit}. Refused calls are logged too: every one by an authenticated
 * identity; of unauthenticated ones the first 10 and then one in 1000, with the count, so a
 * flood cannot fill the disk.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger("herd.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST_CHARS = 512;
    private static final long SAMPLE_EVERY = 1000;

    private final AtomicLong anonymousRefusals = new AtomicLong();

    /** A change that was allowed: logged when it ends. */
    Entry begin(String method, Identity who, String peer) {
        return new Entry(method, who, peer, System.nanoTime());
    }

    /** A call refused before it reached the service. */
    void refused(String method, Identity who, String peer, Status status) {
        if (who.role().isEmpty() && who.via() == Identity.Via.NONE) {
            long n = anonymousRefusals.incrementAndGet();
            if (n > 10 && n % SAMPLE_EVERY != 0) {
                return;
            }
            write(line(method, who, peer, status, "").put("unauthenticated_refusals_so_far", n));
            return;
        }
        write(line(method, who, peer, status, ""));
    }

    /**
     * A change asked over the compute API (HTTP), or a request it refused for want of
     * credentials or role, once answered.
     *
     * @param what    the method and path, e.g. {@code POST /v2.1/os-server-groups}
     * @param status  the HTTP status answered
     * @param detail  the fault's message, or "" on success
     * @param started {@link System#nanoTime()} when the request came
     */
    public void http(String what, Identity who, String peer, int status, String detail, long started) {
        if (who.role().isEmpty() && who.via() == Identity.Via.NONE) {
            long n = anonymousRefusals.incrementAndGet();
            if (n > 10 && n % SAMPLE_EVERY != 0) {
                return;
            }
        }
        write(line(what, who, peer, "HTTP " + status, detail.isEmpty() ? null : detail, "")
                .put("ms", (System.nanoTime() - started) / 1_000_000));
    }

    private static ObjectNode line(String method, Identity who, String peer, Status status, String request) {
        return line(method, who, peer, status.getCode().name(), status.getDescription(), request);
    }

    private static ObjectNode line(String method, Identity who, String peer, String result, String detail,
                                   String request) {
        ObjectNode n = JSON.createObjectNode();
        n.put("who", who.name());
        n.put("via", who.via().name().toLowerCase(java.util.Locale.ROOT));
        n.put("role", who.role().map(r -> r.label()).orElse(""));
        n.put("method", method);
        n.put("peer", peer);
        n.put("result", result);
        if (detail != null) {
            n.put("detail", clip(detail));
        }
        if (!request.isEmpty()) {
            n.put("request", request);
        }
        return n;
    }

    private static void write(ObjectNode line) {
        LOG.info("{}", line);
    }

    static String clip(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(MAX_REQUEST_CHARS).forEach(cp -> b.appendCodePoint(
                Character.isISOControl(cp) || Character.getType(cp) == Character.PRIVATE_USE ? '?' : cp));
        return text.codePointCount(0, text.length()) > MAX_REQUEST_CHARS ? b + "…" : b.toString();
    }

    /** One allowed change, from its request to its result. */
    final class Entry {
        private final String method;
        private final Identity who;
        private final String peer;
        private final long started;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile String request = "";

        private Entry(String method, Identity who, String peer, long started) {
            this.method = method;
            this.who = who;
            this.peer = peer;
            this.started = started;
        }

        void request(Object message) {
            if (message instanceof MessageOrBuilder m) {
                StringBuilder out = new StringBuilder();
                try {
                    TextFormat.printer().emittingSingleLine(true).print(m, new Bounded(out));
                } catch (java.io.IOException full) {
                    out.append('…');
                }
                request = clip(out.toString());
            }
        }

        void end(Status status) {
            if (ended.compareAndSet(false, true)) {
                write(line(method, who, peer, status, request)
                        .put("ms", (System.nanoTime() - started) / 1_000_000));
            }
        }
    }

    /** Stops a print once it has written enough for the log. */
    private record Bounded(StringBuilder out) implements Appendable {
        @Override
        public Appendable append(CharSequence csq) throws java.io.IOException {
            return append(csq, 0, csq.length());
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) throws java.io.IOException {
            for (int i = start; i < end; i++) {
                append(csq.charAt(i));
            }
            return this;
        }

        @Override
        public Appendable append(char c) throws java.io.IOException {
            if (out.length() >= MAX_REQUEST_CHARS * 2) {
                throw new java.io.IOException("enough");
            }
            out.append(c);
            return this;
        }
    }
}
