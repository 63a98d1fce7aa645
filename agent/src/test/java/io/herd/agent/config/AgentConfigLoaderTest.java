package io.herd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.runtime.config.ConfigException;
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
                    assertThat(e.getMessage()).startsWith(key + ": ");
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
        assertThat(c.onUnixSocket()).isTrue();
        assertThat(c.socketPath()).isEqualTo(Path.of("/var/lib/herd/agent/agent.sock"));
    }

    @Test
    void theShippedDefaultConfigLoadsAndMatchesTheBuiltInDefaults() throws Exception {
        Path shipped = Path.of("..", "packaging", "config", "agent.yaml");
        // the package may point tls.* at the files it installs; the rest is at the built-in defaults
        Map<String, String> noTls = Map.of("host_name", "h", "tls.cert_file", "", "tls.key_file", "", "tls.ca_file", "");
        AgentConfig fromFile = AgentConfigLoader.load(Optional.of(shipped), noTls);
        AgentConfig builtIn = AgentConfigLoader.load(Optional.empty(), noTls);
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
    void controllerAddressTakesOneAddressACommaSeparatedListOrAYamlList() throws Exception {
        assertThat(AgentConfigLoader.load(Optional.of(yaml("controller_address: a.example:7700\n")), Map.of())
                .controllerAddresses()).containsExactly("a.example:7700");
        assertThat(AgentConfigLoader.load(Optional.of(yaml("controller_address: 'a:7700, b:7700'\n")), Map.of())
                .controllerAddresses()).containsExactly("a:7700", "b:7700");
        assertThat(AgentConfigLoader.load(Optional.of(yaml("controller_address:\n  - a:7700\n  - '[::1]:7700'\n")),
                Map.of()).controllerAddresses()).containsExactly("a:7700", "[::1]:7700");
        assertThat(AgentConfigLoader.load(Optional.empty(), Map.of("controller_address", "c:1,d:2"))
                .controllerAddresses()).containsExactly("c:1", "d:2");
        assertThat(AgentConfigLoader.load(Optional.empty(), Map.of()).controllerAddresses()).isEmpty();
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        assertBadKey("port: 70000\n", Map.of(), "port");
        assertBadKey("port: seven\n", Map.of(), "port");
        assertBadKey("heartbeat_interval_ms: 0\n", Map.of(), "heartbeat_interval_ms");
        assertBadKey("cpu_allocation_ratio: -1\n", Map.of(), "cpu_allocation_ratio");
        assertBadKey("controller_address: nohostport\n", Map.of(), "controller_address");
        assertBadKey("controller_address: 'a:7700,,b:7700'\n", Map.of(), "controller_address");
        assertBadKey("controller_address: [a:7700, nohostport]\n", Map.of(), "controller_address");
        assertBadKey("controller_address: [a:7700, [b:7700]]\n", Map.of(), "controller_address");
        assertBadKey("", Map.of("controller_address", "a:7700,a:7700"), "controller_address");
        assertBadKey("labels:\n  rack: [a, b]\n", Map.of(), "labels.rack");
        assertBadKey("labels:\n  rack: has space\n", Map.of(), "labels.rack");
        assertBadKey("insecure: maybe\n", Map.of(), "insecure");
        assertBadKey("libvirt_uri: ''\n", Map.of(), "libvirt_uri");
        assertBadKey("image_pool: 'a/b'\n", Map.of(), "image_pool");
        assertBadKey("tls:\n  cert_file: /nonexistent/cert.pem\n", Map.of(), "tls.cert_file");
        assertBadKey("", Map.of("tls.cert_file", readableFile()), "tls.key_file");
        assertBadKey("heartbeat_interval_ms: 3600001\n", Map.of(), "heartbeat_interval_ms");
        assertBadKey("heartbeat_interval_ms: 2000\nheartbeat_max_backoff_ms: 1000\n", Map.of(),
                "heartbeat_max_backoff_ms");
        assertBadKey("advertise_address: 'unix://relative/agent.sock'\n", Map.of(), "advertise_address");
        assertBadKey("advertise_address: 'unix:///a b/agent.sock'\n", Map.of(), "advertise_address");
        assertBadKey("", Map.of("max_server_vcpus", "0"), "max_server_vcpus");
    }

    /** A readable file, which is all the loader checks before the other tls.* keys. */
    private String readableFile() throws Exception {
        return Files.writeString(dir.resolve("some.pem"), "").toString();
    }

    @Test
    void withoutTlsOrInsecureTheAgentServesOnTheSocketInItsStateDirectory() throws Exception {
        AgentConfig byDefault = AgentConfigLoader.load(Optional.empty(), Map.of("state_dir", dir.toString()));
        assertThat(byDefault.onUnixSocket()).isTrue();
        assertThat(byDefault.socketPath()).isEqualTo(dir.resolve("agent.sock"));

        AgentConfig chosen = AgentConfigLoader.load(Optional.empty(), Map.of("socket_path", "run/../herd.sock",
                "advertise_address", "unix:///run/herd/agent.sock"));
        assertThat(chosen.socketPath()).isEqualTo(Path.of("herd.sock").toAbsolutePath());
        assertThat(chosen.advertiseAddress()).isEqualTo("unix:///run/herd/agent.sock");

        AgentConfig insecure = AgentConfigLoader.load(Optional.empty(), Map.of("insecure", "true"));
        assertThat(insecure.onUnixSocket()).isFalse();
    }

    @Test
    void aSocketPathTheKernelOrTheControllerCannotUseIsRefusedWhenItIsUsed() throws Exception {
        String deep = "/tmp/" + "d".repeat(100) + "/state";
        assertThatThrownBy(() -> AgentConfigLoader.load(Optional.empty(), Map.of("state_dir", deep)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("socket_path");
                    assertThat(e.getMessage()).contains("107 bytes", "<state_dir>/agent.sock");
                });
        assertBadKey("socket_path: '/tmp/with space.sock'\n", Map.of(), "socket_path");
        // not used with insecure (nor with TLS): not checked
        assertThat(AgentConfigLoader.load(Optional.empty(), Map.of("state_dir", deep, "insecure", "true"))
                .onUnixSocket()).isFalse();
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
