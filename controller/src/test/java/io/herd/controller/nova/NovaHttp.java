package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A compute API client for tests: java.net.http, with the headers a call adds. */
public final class NovaHttp {

    /** An answer: status, headers and the parsed JSON body (a missing node when there is none). */
    public record Reply(int status, HttpHeaders headers, JsonNode body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The fault's message, e.g. body.badRequest.message. */
        public String fault(String name) {
            return body.path(name).path("message").asText(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String base;

    public NovaHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Reply get(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).GET());
    }

    public Reply delete(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).DELETE());
    }

    /** POSTs {@code body} as application/json unless the headers name another type. */
    public Reply post(String path, String body, String... headers) throws IOException, InterruptedException {
        return post(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    public Reply post(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, headers);
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            b.header("Content-Type", "application/json");
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Reply method(String method, String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = r.body().length == 0 ? JSON.missingNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), r.headers(), body);
    }
}
