package io.herd.runtime.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a program's {@code /metrics} as Prometheus would, for tests to check what moved. */
public final class MetricsScrape {

    private final String text;

    private MetricsScrape(String text) {
        this.text = text;
    }

    /** GET http://127.0.0.1:port/metrics; fails unless it answers 200. */
    public static MetricsScrape of(int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        return new MetricsScrape(response.body());
    }

    /** The whole text. */
    public String text() {
        return text;
    }

    /**
     * The value of one series, written as in the text format without its value, e.g.
     * {@code herd_placement_decisions_total{outcome="placed"}}; 0 when absent.
     */
    public double value(String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }
}
