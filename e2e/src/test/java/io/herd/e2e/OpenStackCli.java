package io.herd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's OpenStack command-line clients, {@code openstack} (python3-openstackclient) and
 * {@code nova} (python3-novaclient), run as processes against herd's compute API without
 * Keystone: {@code openstack} through a {@code clouds.yaml} with {@code auth_type: none},
 * {@code nova} through {@code --os-auth-type none --os-endpoint}. Nothing of the caller's
 * {@code OS_*} environment reaches them.
 */
final class OpenStackCli {

    static final String CLOUD = "herd";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for {@code server create --wait} and {@code server delete --wait}. */
    private static final long TIMEOUT_S = 180;

    /** One run: the command line, its exit code, and what it printed on each stream. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(this + " failed");
            }
            return this;
        }

        /** stdout as JSON, after checking the exit code. */
        JsonNode json() {
            assertSuccess();
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError(command + " printed no JSON: " + stdout, e);
            }
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " → exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private final Path dir;
    private final String computeEndpoint;
    private final Path cloudsYaml;
    private final AtomicInteger runs = new AtomicInteger();

    /** Writes {@code clouds.yaml} into {@code dir} for the compute API at 127.0.0.1:{@code port}. */
    OpenStackCli(Path dir, int port) throws IOException {
        this.dir = Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        this.computeEndpoint = base + "/v2.1";
        this.cloudsYaml = Files.writeString(dir.resolve("clouds.yaml"), cloudsYaml(base));
    }

    /** The file the documentation shows (docs/nova-api.md, "Using the OpenStack clients"). */
    static String cloudsYaml(String base) {
        return "clouds:\n"
                + "  " + CLOUD + ":\n"
                + "    auth_type: none\n"
                + "    auth:\n"
                + "      endpoint: " + base + "/v2.1\n"
                + "    image_endpoint_override: " + base + "/image\n";
    }

    /** Whether the {@code openstack} program is on the PATH. */
    static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "openstack"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code openstack --os-cloud herd ARGS}. */
    Result openstack(String... args) {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-cloud", CLOUD));
        command.addAll(List.of(args));
        return run(command, Map.of("OS_CLIENT_CONFIG_FILE", cloudsYaml.toString()));
    }

    /** {@code openstack --os-cloud herd ARGS -f json}, which must succeed, as JSON. */
    JsonNode openstackJson(String... args) {
        List<String> withFormat = new ArrayList<>(List.of(args));
        withFormat.addAll(List.of("-f", "json"));
        return openstack(withFormat.toArray(String[]::new)).json();
    }

    /**
     * {@code nova --os-auth-type none --os-endpoint URL ARGS}. novaclient 18 asks for a user, a
     * project and an auth URL before it looks at the auth type, and has no options for them
     * with {@code none}: the environment gives them, and nothing uses them.
     */
    Result nova(String... args) {
        List<String> command = new ArrayList<>(List.of("nova", "--os-auth-type", "none", "--os-endpoint",
                computeEndpoint));
        command.addAll(List.of(args));
        return run(command, Map.of("OS_USERNAME", CLOUD, "OS_PROJECT_ID", CLOUD, "OS_AUTH_URL", computeEndpoint));
    }

    /**
     * The rows of the table {@code nova} prints (one map per row, column name → cell); a
     * "Property | Value" table becomes one row of its properties.
     */
    static List<Map<String, String>> table(String output) {
        List<List<String>> lines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("|")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|", -1)) {
                    cells.add(cell.strip());
                }
                lines.add(cells);
            }
        }
        List<Map<String, String>> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        List<String> header = lines.get(0);
        if (header.equals(List.of("Property", "Value"))) {
            Map<String, String> row = new LinkedHashMap<>();
            lines.subList(1, lines.size()).forEach(l -> row.put(l.get(0), l.get(1)));
            rows.add(row);
            return rows;
        }
        for (List<String> l : lines.subList(1, lines.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), l.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private Result run(List<String> command, Map<String, String> env) {
        int n = runs.incrementAndGet();
        Path out = dir.resolve("run-" + n + ".out");
        Path err = dir.resolve("run-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("NOVA_"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + TIMEOUT_S + " s; stderr: "
                        + Files.readString(err));
            }
            return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
