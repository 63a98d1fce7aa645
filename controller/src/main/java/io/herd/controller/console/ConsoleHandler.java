package io.herd.controller.console;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.nova.LeaderCore;
import io.herd.controller.nova.NovaAuth;
import io.herd.controller.nova.NovaError;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console under {@code /console/}: its static files, and its JSON API under
 * {@code /console/api/} with the compute API's authentication ({@link NovaAuth}): reads need
 * the viewer role, changes the operator role, and changes and refusals are audited. Declines
 * (returns false for) every other path, which the compute API then answers.
 *
 * <ul>
 *   <li>{@code GET api/whoami} — who the credentials name, and whether they may change things</li>
 *   <li>{@code GET api/state} — hosts, groups, servers and flavors ({@link ConsoleJson})</li>
 *   <li>{@code GET api/events} — the same, then its changes, as server-sent events ({@link EventStream})</li>
 *   <li>{@code POST api/groups}, {@code DELETE api/groups/ID} — through ServerGroupService</li>
 *   <li>{@code POST api/servers}, {@code DELETE api/servers/ID} — through ServerService</li>
 * </ul>
 * A POST must be {@code application/json}: a cross-site HTML form cannot send that type, so a
 * browser holding a client certificate cannot be made to change anything by another site.
 */
public final class ConsoleHandler extends Handler.Abstract {

    /** Where the console lives on the port. */
    public static final String PREFIX = "/console";
    /** Event streams open at once: each holds one of the port's threads. */
    static final int MAX_STREAMS = 8;
    static final int MAX_BODY_BYTES = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    private static final String API = PREFIX + "/api/";
    /** The console loads nothing from elsewhere, and is not framed. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";
    private static final Identity NOBODY = new Identity("unauthenticated", Optional.empty(), Identity.Via.NONE,
            List.of());

    private final LeaderCore leader;
    private final NovaAuth auth;
    private final AuditLog audit;
    private final StaticAssets assets = new StaticAssets();
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger streams = new AtomicInteger();
    private final HostsAndGroups hostsAndGroups = new HostsAndGroups();
    private volatile boolean stopping;

    /**
     * @param leader the core of the term this controller leads, if it leads
     * @param auth   the compute API's authentication, shared with it
     * @param audit  where changes and refusals are recorded
     */
    public ConsoleHandler(LeaderCore leader, NovaAuth auth, AuditLog audit) {
        this.leader = leader;
        this.auth = auth;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return false;
        }
        securityHeaders(response);
        if (path.startsWith(API)) {
            api(request, response, callback, path.substring(API.length()));
        } else if (path.equals(PREFIX)) {
            response.setStatus(308);
            response.getHeaders().put(HttpHeader.LOCATION, PREFIX + "/");
            callback.succeeded();
        } else {
            asset(request, response, callback, path.substring(PREFIX.length() + 1));
        }
        return true;
    }

    @Override
    protected void doStop() throws Exception {
        stopping = true;
        super.doStop();
    }

    private void asset(Request request, Response response, Callback callback, String name) {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            writeError(response, callback, new ConsoleError(405, "INVALID_ARGUMENT", "only GET reads the console"));
            return;
        }
        Optional<StaticAssets.Asset> found = assets.find(name);
        if (found.isEmpty()) {
            writeError(response, callback, ConsoleError.notFound("the console has no file " + name));
            return;
        }
        StaticAssets.Asset a = found.get();
        var headers = response.getHeaders();
        // no version in the names: the browser revalidates each time, and is told 304 while unchanged
        headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
        headers.put(HttpHeader.ETAG, a.etag());
        if (a.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            callback.succeeded();
            return;
        }
        headers.put(HttpHeader.CONTENT_TYPE, a.contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(a.bytes().length));
        if (request.getMethod().equals("HEAD")) {
            callback.succeeded();
            return;
        }
        response.write(true, ByteBuffer.wrap(a.bytes()), callback);
    }

    private void api(Request request, Response response, Callback callback, String route) {
        long started = System.nanoTime();
        String method = request.getMethod();
        String[] parts = route.split("/", -1);
        boolean change = !method.equals("GET");
        Identity who = NOBODY;
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            try {
                who = auth.caller(request);
            } catch (NovaError e) {
                throw new ConsoleError(e.status(), "UNAUTHENTICATED", e.getMessage());
            }
            Role needed = change ? Role.OPERATOR : Role.VIEWER;
            if (!who.has(needed)) {
                throw new ConsoleError(403, "PERMISSION_DENIED", who.describe() + " needs the " + needed.label()
                        + " role to " + (change ? "change" : "read") + " what the console shows");
            }
            if (method.equals("GET") && route.equals("events")) {
                stream(response, callback, core());
                return;
            }
            JsonNode answer = route(method, parts, who, request);
            if (change) {
                audit.http(method + " " + API + route, who, Request.getRemoteAddr(request), 200, "", started);
            }
            writeJson(response, callback, 200, answer);
        } catch (ConsoleError e) {
            if (change || e.status() == 401 || e.status() == 403) {
                audit.http(method + " " + API + route, who, Request.getRemoteAddr(request), e.status(),
                        e.getMessage(), started);
            }
            writeError(response, callback, e);
        } catch (RuntimeException e) {
            LOG.error("console: {} {} failed", method, route, e);
            writeError(response, callback, new ConsoleError(500, "INTERNAL", "unexpected error: " + e
                    + "; the controller's log has the details"));
        }
    }

    private JsonNode route(String method, String[] parts, Identity who, Request request) {
        String what = parts[0];
        String id = parts.length == 2 && !parts[1].isEmpty() ? parts[1] : null;
        if (parts.length == 1 && method.equals("GET")) {
            switch (what) {
                case "whoami" -> {
                    return JsonNodeFactory.instance.objectNode().put("name", who.describe())
                            .put("can_change", who.has(Role.OPERATOR));
                }
                case "state" -> {
                    return ConsoleJson.snapshot(core());
                }
                default -> { }
            }
        }
        if (parts.length == 1 && method.equals("POST") && (what.equals("groups") || what.equals("servers"))) {
            JsonNode body = body(request);
            return what.equals("groups") ? ConsoleActions.createGroup(core(), body)
                    : ConsoleActions.createServers(core(), body);
        }
        if (id != null && method.equals("DELETE") && (what.equals("groups") || what.equals("servers"))) {
            return what.equals("groups") ? ConsoleActions.deleteGroup(core(), id)
                    : ConsoleActions.deleteServer(core(), id);
        }
        throw ConsoleError.notFound("the console's API has no " + method + " " + API + String.join("/", parts));
    }

    private ControllerCore core() {
        return leader.core().orElseThrow(() -> new ConsoleError(503, "UNAVAILABLE", leader.whyNone()));
    }

    /** Holds this thread while the stream lasts: at most {@link #MAX_STREAMS} at once. */
    private void stream(Response response, Callback callback, ControllerCore core) {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new ConsoleError(503, "UNAVAILABLE", MAX_STREAMS + " console event streams are open, the most "
                    + "this controller serves; close a console tab and retry");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
        OutputStream out = Content.Sink.asOutputStream(response);
        try {
            // the server is stopping before this handler is: its graceful wait must not wait on streams
            new EventStream(hostsAndGroups).run(core, out, () -> stopping || getServer().isStopping()
                    || leader.core().orElse(null) != core);
            out.close(); // the last write ends the response
            callback.succeeded();
        } catch (IOException e) {
            LOG.debug("console: an event stream ended: {}", e.toString());
            callback.failed(e);
        } finally {
            streams.decrementAndGet();
        }
    }

    /** The JSON body: 415 unless it is declared JSON, 413 past the limit, 400 when it does not parse. */
    private JsonNode body(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
            throw new ConsoleError(415, "INVALID_ARGUMENT", "send the body as application/json");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw ConsoleError.badRequest("the request body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ConsoleError(413, "INVALID_ARGUMENT", "the body is over " + MAX_BODY_BYTES + " bytes");
        }
        try {
            return json.readTree(bytes);
        } catch (JacksonException e) {
            throw ConsoleError.badRequest("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ConsoleError.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    private static void securityHeaders(Response response) {
        var headers = response.getHeaders();
        headers.put("Content-Security-Policy", CSP);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
    }

    private void writeError(Response response, Callback callback, ConsoleError e) {
        writeJson(response, callback, e.status(), e.body());
    }

    private void writeJson(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JacksonException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
