package io.herd.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration file shipped in packaging/ loads, names every key, and says exactly the
 * defaults but for TLS, which the packages turn on with the files their install makes.
 */
class PackagedConfigTest {

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
}
