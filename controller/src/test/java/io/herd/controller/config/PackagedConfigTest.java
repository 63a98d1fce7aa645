package io.herd.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration file shipped in packaging/ loads, names every key, and says exactly the
 * defaults but for TLS, which the packages turn on with the files their install makes.
 */
class PackagedConfigTest {

    @TempDir
    Path dir;

    @Test
    void theShippedControllerYamlIsValidAndEqualToTheDefaultsButForTls() {
        Path shipped = Path.of("..", "packaging", "config", "controller.yaml");
        Map<String, String> noTlsFiles = Map.of("tls.cert_file", "", "tls.key_file", "", "tls.ca_file", "");
        assertThat(ConfigLoader.load(shipped, noTlsFiles)).isEqualTo(ConfigLoader.load(null, Map.of()));
        Map<String, String> keys = ConfigLoader.readYaml(shipped);
        assertThat(keys.keySet()).containsExactlyInAnyOrderElementsOf(ConfigLoader.DEFAULTS.keySet());
        assertThat(keys).containsEntry("tls.cert_file", "/etc/herd/tls/controller.pem")
                .containsEntry("tls.key_file", "/etc/herd/tls/controller.key")
                .containsEntry("tls.ca_file", "/etc/herd/tls/ca.pem");
    }

    @Test
    void theShippedTwoControllerExampleLoadsAndSharesAPostgresStore() throws Exception {
        Path example = Path.of("..", "packaging", "config", "examples", "controller-ha.yaml");
        Path password = dir.resolve("store.password");
        Files.writeString(password, "secret\n");
        ControllerConfig config = ConfigLoader.load(example, Map.of("tls.cert_file", "", "tls.key_file", "",
                "tls.ca_file", "", "insecure", "true", "store.password_file", password.toString()));
        assertThat(config.storeUrl()).hasValueSatisfying(t -> {
            assertThat(t.toString()).isEqualTo("postgresql://herd@db1.example.org:5432/herd");
            assertThat(t.password()).isEqualTo("secret");
        });
        assertThat(config.advertiseAddress(7700)).isEqualTo("ctl-a.example.org:7700");
        assertThat(config.ha().lease()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(ConfigLoader.readYaml(example)).containsEntry("tls.cert_file", "/etc/herd/tls/controller.pem");
    }
}
