package io.herd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, text);
        return file;
    }

    private void assertBadKey(String yaml, Map<String, String> overrides, String key) {
        assertThatThrownBy(() -> AgentConfigLoader.load(Optional.of(yaml(yaml)), overrides))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage()).contains("'" + key + "'");
                });
    }

    @Test
    void defaultsWithoutAFile() throws Exception {
        AgentConfig c = AgentConfigLoader.load(Optional.empty(), Map.of());
        assertThat(c.libvirtUri()).isEqualTo("qemu:///system");
        assertThat(c.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7701);
        assertThat(c.heartbeatIntervalMs()).isEqualTo(5000);
        assertThat(c.maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.tls()).isEmpty();
        assertThat(c.hostName()).isNotEmpty();
    }

    @Test
    void theShippedDefaultConfigLoadsAndMatchesTheBuiltInDefaults() throws Exception {
        Path shipped = Path.of("..", "packaging", "config", "agent.yaml");
        AgentConfig fromFile = AgentConfigLoader.load(Optional.of(shipped), Map.of("host_name", "h"));
        AgentConfig builtIn = AgentConfigLoader.load(Optional.empty(), Map.of("host_name", "h"));
        assertThat(fromFile).isEqualTo(builtIn);
    }

    @Test
    void fileValuesAndOverrides() throws Exception {
        Path file = yaml("""
                libvirt_uri: test:///default
                port: 7800
                labels:
                  rack: r1
                  zone: z1
                reserved_memory_mib: 2048
                cpu_allocation_ratio: 2.5
                """);
        AgentConfig c = AgentConfigLoader.load(Optional.of(file), Map.of("port", "7900", "labels.zone", "z2"));
        assertThat(c.libvirtUri()).isEqualTo("test:///default");
        assertThat(c.port()).isEqualTo(7900);
        assertThat(c.rack()).isEqualTo("r1");
        assertThat(c.zone()).isEqualTo("z2");
        assertThat(c.reservedMemoryMib()).isEqualTo(2048);
        assertThat(c.cpuAllocationRatio()).isEqualTo(2.5);
    }

    @Test
    void badValuesNameTheirKey() {
        assertBadKey("port: 70000\n", Map.of(), "port");
        assertBadKey("port: seven\n", Map.of(), "port");
        assertBadKey("heartbeat_interval_ms: 0\n", Map.of(), "heartbeat_interval_ms");
        assertBadKey("cpu_allocation_ratio: -1\n", Map.of(), "cpu_allocation_ratio");
        assertBadKey("controller_address: nohostport\n", Map.of(), "controller_address");
        assertBadKey("labels:\n  rack: has space\n", Map.of(), "labels.rack");
        assertBadKey("insecure: maybe\n", Map.of(), "insecure");
        assertBadKey("libvirt_uri: ''\n", Map.of(), "libvirt_uri");
        assertBadKey("image_pool: 'a/b'\n", Map.of(), "image_pool");
        assertBadKey("tls:\n  cert_file: /nonexistent/cert.pem\n", Map.of(), "tls.cert_file");
        assertBadKey("", Map.of("max_server_vcpus", "0"), "max_server_vcpus");
    }

    @Test
    void unknownKeysAreRefused() {
        assertBadKey("libvirt_url: qemu:///system\n", Map.of(), "libvirt_url");
        assertBadKey("labels:\n  row: 1\n", Map.of(), "labels.row");
        assertBadKey("", Map.of("no_such_key", "1"), "no_such_key");
    }

    @Test
    void aMissingFileIsReported() {
        assertThatThrownBy(() -> AgentConfigLoader.load(Optional.of(dir.resolve("absent.yaml")), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("--config"));
    }
}
