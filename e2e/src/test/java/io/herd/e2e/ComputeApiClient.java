package io.herd.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of the controller's OpenStack compute API (docs/nova-api.md), as a Nova client
 * talks to it: JSON bodies written and read with Jackson, sent with the JDK's
 * {@link HttpClient} over HTTP/1.1 with keep-alive, microversion 2.64, no credentials (the
 * cluster runs open). One instance keeps one connection while its calls are made one after
 * the other, so each benchmark client thread has its own.
 */
final class ComputeApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "compute 2.64";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI groups;
    private final URI servers;
    private final URI version;

    ComputeApiClient(int port) {
        String base = "http://127.0.0.1:" + port + "/v2.1";
        groups = URI.create(base + "/os-server-groups");
        servers = URI.create(base + "/servers");
        version = URI.create(base);
    }

    /** {@code POST /v2.1/os-server-groups}: an anti-affinity group, at most {@code maxPerHost} members per host. */
    HttpRequest serverGroup(String name, int maxPerHost) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("server_group").put("name", name).put("policy", "anti-affinity")
                .putObject("rules").put("max_server_per_host", maxPerHost);
        return post(groups, body);
    }

    /** {@code POST /v2.1/servers} of one diskless server (no imageRef) of the flavor, in the group. */
    HttpRequest server(String name, String flavorRef, String groupId) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("server").put("name", name).put("flavorRef", flavorRef).put("networks", "none")
                .put("min_count", 1).put("max_count", 1);
        body.putObject("os:scheduler_hints").put("group", groupId);
        return post(servers, body);
    }

    /**
     * Sends a create and returns the id of what it created, read from the answer's
     * {@code kind} object ({@code server_group} or {@code server}); fails on any status but
     * 200 or 202.
     */
    String create(HttpRequest request, String kind) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        JsonNode id = JSON.readTree(r.body()).path(kind).path("id");
        if (!id.isTextual()) {
            throw new IllegalStateException(request.uri() + " answered no " + kind + " id");
        }
        return id.asText();
    }

    /**
     * {@code GET /v2.1}: opens the connection again if the server closed it while it was idle
     * (Jetty's idle timeout is 30 s), so that no timed call pays for a TCP connect.
     */
    void touch() throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(version).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(version + " answered " + r.statusCode());
        }
    }

    private HttpRequest post(URI uri, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json").header("OpenStack-API-Version", VERSION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }
}
