package io.herd.bench.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of a Prometheus text endpoint: every sample, by name and labels. */
record Scrape(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape of(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(endpoint + " answered " + r.statusCode());
        }
        return parse(r.body());
    }

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, number(m.group(4))));
        }
        return new Scrape(samples);
    }

    /** A sample value or bucket bound: Prometheus writes infinity as +Inf. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The sum of the samples named {@code name} whose labels pass {@code labels}. */
    double sum(String name, Predicate<Map<String, String>> labels) {
        double sum = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && labels.test(s.labels())) {
                sum += s.value();
            }
        }
        return sum;
    }

    double value(String name) {
        return sum(name, l -> true);
    }

    /** A classic histogram's cumulative buckets (upper bound → count) for the samples passing {@code labels}. */
    TreeMap<Double, Double> buckets(String histogram, Predicate<Map<String, String>> labels) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals(histogram + "_bucket") && labels.test(s.labels())) {
                buckets.merge(number(s.labels().get("le")), s.value(), Double::sum);
            }
        }
        return buckets;
    }

    /**
     * The bucket bound under which {@code fraction} of the observations between two scrapes fell:
     * an upper bound of that quantile, as precise as the histogram's buckets.
     */
    static double quantileBound(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double fraction) {
        double total = after.lastEntry() == null ? 0 : after.lastEntry().getValue()
                - before.getOrDefault(after.lastKey(), 0.0);
        for (Map.Entry<Double, Double> e : after.entrySet()) {
            double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (total > 0 && count >= fraction * total) {
                return e.getKey();
            }
        }
        return Double.NaN;
    }
}
