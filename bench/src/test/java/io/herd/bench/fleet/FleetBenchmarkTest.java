package io.herd.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.runtime.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator against the real controller it is built to drive: a small fleet registers,
 * takes servers of every policy through the public API, runs them, and the audit finds every
 * server running where the controller says, once, with no group's hard policy broken.
 */
class FleetBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void aSmallFleetRegistersRunsItsServersAndPassesTheAudit() throws Exception {
        ControllerConfig config = ConfigLoader.load(null, Map.of("listen", "127.0.0.1:0",
                "store.path", dir.resolve("controller.db").toString(), "metrics.listen", "127.0.0.1:0",
                "heartbeat_interval_ms", "2000"));
        try (ControllerServer controller = ControllerServer.start(config, Clock.systemUTC())) {
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            int code = FleetBenchmark.main(new String[] {
                "--controller", "127.0.0.1:" + controller.port(),
                "--metrics", "http://127.0.0.1:" + controller.metricsPort() + "/metrics",
                "--hosts", "60", "--hosts-per-rack", "10", "--zones", "2", "--interval-ms", "2000",
                "--agent-port", Integer.toString(Ports.free()), "--window-s", "1", "--rate", "40", "--warmup-s", "0",
                "--load-s", "3", "--groups", "20", "--settle-s", "60"},
                    new PrintStream(report, true, StandardCharsets.UTF_8), System.err);

            String text = report.toString(StandardCharsets.UTF_8);
            String[] lines = text.strip().split("\n");
            JsonNode line = new ObjectMapper().readTree(lines[lines.length - 1]);
            assertThat(code).as(text).isZero();
            assertThat(line.get("hosts").asInt()).isEqualTo(60);
            assertThat(line.get("creates_sent").asInt()).isEqualTo(120);
            // some affinity groups may fill their host: those creates are refused, the rest all run
            int created = line.get("servers_created").asInt();
            assertThat(created).isGreaterThan(100);
            assertThat(line.get("servers").asInt()).isEqualTo(created);
            assertThat(line.get("active").asInt()).isEqualTo(created);
            assertThat(line.get("active_not_running").asInt()).isZero();
            assertThat(line.get("running_twice").asInt()).isZero();
            assertThat(line.get("hard_violations").asInt()).isZero();
            assertThat(line.get("hosts_marked_down").asInt()).isZero();
            assertThat(line.get("fleet_stopped_by").isNull()).isTrue();
            assertThat(line.get("domains_destroyed_on_request").asInt()).isZero();
            assertThat(line.get("idle_heartbeats_per_s").asDouble()).isGreaterThan(0);
            // the controller's collector over the load: a count, and a share of the window's time
            assertThat(line.get("load_controller_gc_pauses").asLong()).isNotNegative();
            assertThat(line.get("load_controller_gc_pause_percent").asDouble()).isBetween(0.0, 100.0);
            assertThat(line.get("load_controller_gc_pause_mean_ms").asDouble()).isNotNegative();
        }
    }
}
