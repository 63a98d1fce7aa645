package io.herd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void printsTheOneJsonLineAndTheAssignment(@TempDir Path dir) throws Exception {
        Path workloadFile = dir.resolve("tiny.json");
        // 40 hosts cannot take all 600 requests: some fail, and the line must still be clean
        json.writeValue(workloadFile.toFile(), TinyWorkloads.mixed(40, 600, 7));
        Path assignmentFile = dir.resolve("assignment.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Main.run(new String[] {workloadFile.toString(), "--assignment", assignmentFile.toString(),
            "--warmup", "0"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = json.readTree(lines[0]);
        List<String> fields = new ArrayList<>();
        line.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("engine", "workload", "hosts", "requests", "placed", "failed",
                "hard_violations", "seconds", "placements_per_s", "p50_us", "p99_us", "p999_us", "max_us", "mean_us");
        assertThat(line.get("engine").asText()).isEqualTo("herd");
        assertThat(line.get("workload").asText()).isEqualTo("tiny");
        assertThat(line.get("hosts").asInt()).isEqualTo(40);
        assertThat(line.get("requests").asInt()).isEqualTo(600);
        assertThat(line.get("placed").asInt()).isPositive();
        assertThat(line.get("failed").asInt()).isPositive();
        assertThat(line.get("placed").asInt() + line.get("failed").asInt()).isEqualTo(600);
        assertThat(line.get("hard_violations").asInt()).isZero();
        assertThat(line.get("seconds").asDouble()).isPositive();
        assertThat(line.get("p99_us").asDouble()).isGreaterThanOrEqualTo(line.get("p50_us").asDouble());
        assertThat(line.get("p999_us").asDouble()).isGreaterThanOrEqualTo(line.get("p99_us").asDouble());
        assertThat(line.get("max_us").asDouble()).isGreaterThanOrEqualTo(line.get("p999_us").asDouble());
        assertThat(line.get("mean_us").asDouble()).isPositive().isLessThanOrEqualTo(line.get("max_us").asDouble());

        Map<String, String> assignment = json.readValue(assignmentFile.toFile(), new TypeReference<Map<String, String>>() { });
        assertThat(assignment).hasSize(line.get("placed").asInt());
        assertThat(ViolationChecker.violations(Workload.read(workloadFile), assignment)).isEmpty();
    }

    @Test
    void printsTheSlowestDecisionsToStandardErrorOnly(@TempDir Path dir) throws Exception {
        Path workloadFile = dir.resolve("tiny.json");
        json.writeValue(workloadFile.toFile(), TinyWorkloads.mixed(40, 600, 7));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Main.run(new String[] {workloadFile.toString(), "--warmup", "0", "--slowest", "5"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(1);
        String[] slowest = err.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(slowest).hasSize(5);
        double previous = Double.MAX_VALUE;
        for (String text : slowest) {
            JsonNode line = json.readTree(text);
            List<String> fields = new ArrayList<>();
            line.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("request", "index", "us", "placed", "policy", "scope", "group_size",
                    "memory_mib");
            assertThat(line.get("request").asText()).isEqualTo("s" + line.get("index").asInt());
            assertThat(line.get("us").asDouble()).isLessThanOrEqualTo(previous);
            previous = line.get("us").asDouble();
        }
    }

    @Test
    void refusesAMissingWorkloadWithUsage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"--warmup", "1"}, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: herd-bench WORKLOAD.json");
    }

    @Test
    void readsTheWorkloadFormatWithItsDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.json");
        Files.writeString(file, "{\"name\":\"w\",\"cpu_allocation_ratio\":4.0,\"ram_allocation_ratio\":1.0,"
                + "\"hosts\":[{\"name\":\"h1\",\"vcpus\":2,\"memory_mib\":4096,\"disk_gib\":20,\"rack\":\"r1\",\"zone\":\"z1\"}],"
                + "\"groups\":[{\"name\":\"g1\",\"policy\":\"anti-affinity\"},"
                + "{\"name\":\"g2\",\"policy\":\"soft-affinity\",\"scope\":\"zone\",\"max_server_per_host\":3}],"
                + "\"requests\":[{\"name\":\"s1\",\"vcpus\":1,\"memory_mib\":512,\"disk_gib\":1,\"group\":null}]}");
        Workload workload = Workload.read(file);
        assertThat(workload.groups().get(0).scopeOrDefault()).isEqualTo("host");
        assertThat(workload.groups().get(0).maxPerDomain()).isEqualTo(1);
        assertThat(workload.groups().get(1).maxPerDomain()).isEqualTo(3);
        assertThat(workload.requests().get(0).group()).isNull();
        assertThat(WorkloadRunner.policy("soft-affinity")).isEqualTo(io.herd.controller.placement.Policy.SOFT_AFFINITY);
        WorkloadRunner.Outcome outcome = WorkloadRunner.run(workload, io.herd.controller.placement.Weighing.SPREAD);
        assertThat(outcome.assignment()).containsExactly(Map.entry("s1", "h1"));
    }
}
