package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.agent.host.AgentVersion;
import io.herd.agent.testing.TestConfigs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new AgentMain());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--config=FILE", "--libvirt-uri", "--controller", "--insecure",
                "--socket-path");
        // what the JVM returns after the shutdown hook's clean stop (AgentProcessIT), as the unit declares
        assertThat(help.out()).contains("Exit status: 143 stopped by SIGTERM").doesNotContain("0 stopped");

        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out().trim()).isEqualTo("herd-agent " + AgentVersion.get());
        assertThat(AgentVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void aBadConfigStopsTheAgentNamingTheKey() throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, "heartbeat_interval_ms: soon\n");
        Run r = run("--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("herd-agent: heartbeat_interval_ms: must be a whole number, was 'soon'");

        Run override = run("--config", file.toString(), "--set", "heartbeat_interval_ms=1000", "--port", "99999");
        assertThat(override.exitCode()).isEqualTo(2);
        assertThat(override.err()).contains("herd-agent: port: must be between 0 and 65535, was 99999");
    }

    @Test
    void insecureServesPlaintextTcpOnTheListenAddress() throws Exception {
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir,
                "listen_address", "0.0.0.0", "insecure", "true"))) {
            assertThat(agent.port()).isPositive();
            assertThat(agent.address()).isEqualTo("127.0.0.1:" + agent.port());
            assertThat(AgentRuntime.advertisedAddress(TestConfigs.agent("test:///default", dir,
                    "listen_address", "0.0.0.0", "insecure", "true"), agent.port()))
                    .isEqualTo("test-host:" + agent.port());
            assertThat(dir.resolve("state").resolve("agent.sock")).doesNotExist();
        }
    }

    @Test
    void theHostIdIsKeptAcrossRestarts() throws Exception {
        String first;
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir))) {
            first = agent.identity().hostId();
        }
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent("test:///default", dir))) {
            assertThat(agent.identity().hostId()).isEqualTo(first);
        }
        assertThat(Files.readString(dir.resolve("state").resolve("host-id")).trim()).isEqualTo(first);
    }
}
