package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.herd.agent.config.AgentConfigLoader;
import io.herd.agent.main.AgentRuntime;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.runtime.testing.MetricsScrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alert rules in packaging/monitoring are well formed,
 * and every metric their queries name is one a controller and an agent (on libvirt's test
 * driver) export: both run here, place and launch a server, serve a compute API request and
 * heartbeat, and are scraped.
 */
class MonitoringFilesTest {

    private static final Path MONITORING = Path.of("..", "packaging", "monitoring");
    /** Series Prometheus makes itself for each scrape target, not the programs. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");

    @TempDir
    Path dir;

    @Test
    void theDashboardIsWellFormed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("herd-dashboard.json").toFile());
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("templating").path("list")).anySatisfy(v -> {
            assertThat(v.path("name").asText()).isEqualTo("datasource");
            assertThat(v.path("type").asText()).isEqualTo("datasource");
            assertThat(v.path("query").asText()).isEqualTo("prometheus");
        });
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(title).as("a panel's title").isNotBlank();
            assertThat(ids.add(panel.path("id").asInt(-1))).as("unique id of panel " + title).isTrue();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title).isNotEmpty().allSatisfy(t -> {
                assertThat(t.path("expr").asText()).isNotBlank();
                assertThat(t.path("refId").asText()).isNotBlank();
                assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            });
            JsonNode at = panel.path("gridPos");
            int[] box = {at.path("x").asInt(-1), at.path("y").asInt(-1), at.path("w").asInt(0), at.path("h").asInt(0)};
            assertThat(box[0]).as(title).isBetween(0, 23);
            assertThat(box[1]).as(title).isNotNegative();
            assertThat(box[2]).as(title).isBetween(1, 24 - box[0]);
            assertThat(box[3]).as(title).isPositive();
            for (int[] other : boxes) {
                boolean apart = box[0] + box[2] <= other[0] || other[0] + other[2] <= box[0]
                        || box[1] + box[3] <= other[1] || other[1] + other[3] <= box[1];
                assertThat(apart).as("panel " + title + " overlaps another").isTrue();
            }
            boxes.add(box);
        }
    }

    @Test
    void everyAlertRuleHasAnExpressionADelayASeverityAndWords() throws Exception {
        List<JsonNode> rules = alertRules();
        assertThat(rules).isNotEmpty();
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertThat(names.add(name)).as("unique alert " + name).isTrue();
            assertThat(rule.path("expr").asText()).as(name).isNotBlank();
            assertThat(rule.path("for").asText()).as(name).matches("[0-9]+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
        }
        assertThat(names).contains("HerdControllerDown", "HerdHostDown", "HerdGroupsNonCompliant",
                "HerdStoreCommitSlow", "HerdAgentHeartbeatFailing", "HerdAgentDegraded");
    }

    @Test
    void everyMetricTheQueriesNameIsExported() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : new ObjectMapper().readTree(MONITORING.resolve("herd-dashboard.json").toFile())
                .path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode rule : alertRules()) {
            queries.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
        }
        Set<String> exported = new TreeSet<>(SCRAPE_SERIES);
        scrapeBothPrograms(exported);

        for (Map.Entry<String, String> query : queries.entrySet()) {
            Set<String> named = PromQl.metricNames(query.getValue());
            assertThat(named).as(query.getKey() + " names a metric").isNotEmpty();
            assertThat(exported).as(query.getKey() + ": " + query.getValue()).containsAll(named);
        }
    }

    /** Runs a controller and an agent, has them work, and adds the names of the series each serves. */
    private void scrapeBothPrograms(Set<String> exported) throws Exception {
        // libvirt's test driver on a node of our own: its default one has no memory to spare
        Path node = Files.writeString(dir.resolve("node.xml"), Cluster.nodeXml(8, 16_384));
        try (ControllerServer controller = ControllerServer.start(ConfigLoader.load(null, Map.of(
                "listen", "127.0.0.1:0", "store.path", dir.resolve("controller.db").toString(),
                "metrics.listen", "127.0.0.1:0", "nova_api.listen", "127.0.0.1:0")), Clock.systemUTC());
             AgentRuntime agent = AgentRuntime.start(AgentConfigLoader.load(Optional.empty(), Map.of(
                     "libvirt_uri", "test://" + node, "port", "0", "host_name", "hv1",
                     "image_dir", dir.resolve("images").toString(), "state_dir", dir.resolve("state").toString(),
                     "image_pool", "herd-test-" + UUID.randomUUID().toString().substring(0, 8),
                     "controller_address", "127.0.0.1:" + controller.port(), "heartbeat_interval_ms", "200",
                     "metrics.listen", "127.0.0.1:0", "reserved_memory_mib", "0")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(controller.metricsPort())
                    .value("herd_hosts{state=\"up\"}") == 1.0);
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", controller.port()).usePlaintext()
                    .build();
            try {
                ServerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).createServers(
                        CreateServersRequest.newBuilder().setName("web").setVcpus(1).setMemoryMib(64).build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.of(controller.metricsPort())
                    .value("herd_servers{status=\"active\"}") == 1.0);
            HttpResponse<Void> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + controller.novaApiPort() + "/v2.1/servers")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(listed.statusCode()).isEqualTo(200);

            exported.addAll(seriesNames(MetricsScrape.of(controller.metricsPort())));
            exported.addAll(seriesNames(MetricsScrape.of(agent.metricsPort())));
        }
    }

    /** The names of the series in a scrape: {@code herd_launch_seconds_bucket}, {@code herd_servers}, ... */
    private static Set<String> seriesNames(MetricsScrape scrape) {
        Set<String> names = new HashSet<>();
        for (String line : scrape.text().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static List<JsonNode> alertRules() throws Exception {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(MONITORING.resolve("herd-alerts.yml").toFile());
        List<JsonNode> rules = new ArrayList<>();
        assertThat(file.path("groups")).isNotEmpty();
        for (JsonNode group : file.path("groups")) {
            assertThat(group.path("name").asText()).isNotBlank();
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }
}
