package io.herd.controller.nova;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.auth.AuditLog;
import io.herd.controller.core.ControllerCore;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute API's front: negotiates the microversion, finds the resource, authenticates
 * and authorises the caller, reads and parses the body, calls the resource against the
 * leader's core, and writes the answer or Nova's fault body. Version discovery ({@code /},
 * {@code /v2.1}) needs no token and is answered by standbys too. Paths may carry a project
 * id after the version ({@code /v2.1/PROJECT/os-server-groups}), which is ignored.
 */
final class NovaHandler extends Handler.Abstract {

    /** oslo.middleware's default max_request_body_size, which Nova's API runs behind. */
    static final int MAX_BODY_BYTES = 114_688;
    /** A body too large but at most this long is read to its end before the 413 (see {@link #drain}). */
    private static final long DRAIN_BYTES = 4L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(NovaHandler.class);
    private static final List<String> JSON_TYPES = List.of("application/json",
            "application/vnd.openstack.compute+json");
    private static final Identity NOBODY = new Identity("unauthenticated", Optional.empty(), Identity.Via.NONE,
            List.of());

    private final LeaderCore leader;
    private final NovaAuth auth;
    private final AuditLog audit;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    NovaHandler(LeaderCore leader, NovaAuth auth, AuditLog audit) {
        this.leader = leader;
        this.auth = auth;
        this.audit = audit;
    }

    /** One request as it goes through: what it asked for, who asked, and the answer. */
    private static final class Call {
        final long started = System.nanoTime();
        Microversion version;
        Identity who;
        boolean change;
        int status = 200;
        ObjectNode body;
        /** The methods a 405 names in its Allow header. */
        String allow;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Call call = new Call();
        try {
            call.version = Microversion.negotiate(request.getHeaders().getValuesList(Microversion.HEADER),
                    request.getHeaders().getValuesList(Microversion.LEGACY_HEADER));
            route(request, call);
        } catch (NovaError e) {
            call.status = e.status();
            call.body = e.body();
        } catch (RuntimeException e) {
            if (e instanceof HttpException bad && bad.getCode() >= 400 && bad.getCode() < 500) {
                // Jetty's refusal of what it could not parse, such as a query string's bad escapes
                call.status = bad.getCode();
                call.body = new NovaError(bad.getCode(), "The request is malformed: " + bad.getReason()).body();
            } else {
                LOG.error("compute API: {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
                call.status = 500;
                call.body = new NovaError(500, "Unexpected API Error: " + e + ". The controller's log has the "
                        + "details.").body();
            }
        }
        if (call.who != null && (call.change || call.status == 401 || call.status == 403)) {
            String detail = call.status >= 400 ? faultMessage(call.body) : "";
            audit.http(request.getMethod() + " " + request.getHttpURI().getPath(), call.who,
                    Request.getRemoteAddr(request), call.status, detail, call.started);
        }
        write(response, callback, call);
        return true;
    }

    private void route(Request request, Call call) {
        String method = request.getMethod();
        List<String> path = Arrays.stream(Request.getPathInContext(request).split("/"))
                .filter(s -> !s.isEmpty()).toList();
        if (path.isEmpty() || path.equals(List.of("v2.1"))) {
            if (!method.equals("GET")) {
                call.allow = "GET";
                throw new NovaError(405, "The method " + method + " is not allowed here; allowed: GET.");
            }
            call.body = path.isEmpty() ? VersionDocuments.versions(baseUrl(request))
                    : VersionDocuments.version(baseUrl(request));
            return;
        }
        NovaRoutes.Call route;
        try {
            route = NovaRoutes.find(method, path);
        } catch (NovaError e) {
            call.allow = e.allow();
            throw e;
        }
        call.change = route.change();
        call.who = NOBODY; // until the token names someone: a 401 is logged as the unauthenticated's
        call.who = auth.caller(request);
        NovaAuth.require(call.who, call.change ? Role.OPERATOR : Role.VIEWER, route.action());
        JsonNode body = route.needsBody() ? body(request) : null;
        ControllerCore core = leader.core().orElseThrow(() -> new NovaError(503, leader.whyNone()));
        NovaRoutes.Answer answer = route.run().run(core, new NovaRoutes.Input(body, query(request), call.version,
                new Links(baseUrl(request))));
        call.status = answer.status();
        call.body = answer.body();
    }

    /** The JSON body: 415 for a type other than JSON, 413 past the size limit, 400 when it does not parse. */
    private JsonNode body(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.isEmpty() && !mime.equals("text/plain") && !JSON_TYPES.contains(mime)) {
            throw new NovaError(415, "Unsupported Content-Type");
        }
        long length = request.getLength(); // -1 when the body is chunked
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            if (length > MAX_BODY_BYTES) {
                drain(in, length);
                throw tooLarge();
            }
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw NovaError.badRequest("The request body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            throw NovaError.badRequest("The server could not comply with the request since it is either malformed "
                    + "or otherwise incorrect.");
        }
        try {
            return json.readTree(bytes);
        } catch (JacksonException e) {
            throw NovaError.badRequest("Malformed request body");
        } catch (IOException e) {
            throw NovaError.badRequest("The request body could not be read: " + e.getMessage());
        }
    }

    /**
     * Reads a too large body of moderate size to its end, so that the client, still sending it,
     * reads the 413 rather than a reset connection; a larger one is left, and the connection closed.
     */
    private static void drain(InputStream in, long length) {
        if (length > DRAIN_BYTES) {
            return;
        }
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.debug("compute API: a too large body was not read to its end: {}", e.getMessage());
        }
    }

    private static NovaError tooLarge() {
        return new NovaError(413, "Request is too large: the most a request body may hold is " + MAX_BODY_BYTES
                + " bytes.");
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            out.put(f.getName(), f.getValues());
        }
        return out;
    }

    /** scheme://host:port as the client addressed this server, for the links of the version documents. */
    private static String baseUrl(Request request) {
        String host = Request.getServerName(request);
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return request.getHttpURI().getScheme() + "://" + host + ":" + Request.getServerPort(request);
    }

    private static String faultMessage(ObjectNode fault) {
        return fault == null || fault.isEmpty() ? ""
                : fault.properties().iterator().next().getValue().path("message").asText("");
    }

    private void write(Response response, Callback callback, Call call) {
        response.setStatus(call.status);
        var headers = response.getHeaders();
        if (call.version != null) {
            headers.put(Microversion.HEADER, "compute " + call.version);
            headers.put(Microversion.LEGACY_HEADER, call.version.toString());
            headers.add(HttpHeader.VARY, Microversion.HEADER);
            headers.add(HttpHeader.VARY, Microversion.LEGACY_HEADER);
        }
        if (call.allow != null) {
            headers.put(HttpHeader.ALLOW, call.allow);
        }
        if (call.status == 204 || call.body == null) {
            callback.succeeded();
            return;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(call.body);
        } catch (JacksonException e) {
            callback.failed(e);
            return;
        }
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
