package io.herd.controller.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file shipped in packaging/ loads, and says exactly the defaults. */
class PackagedConfigTest {

    @Test
    void theShippedControllerYamlIsValidAndEqualToTheDefaults() {
        Path shipped = Path.of("..", "packaging", "config", "controller.yaml");
        assertThat(ConfigLoader.load(shipped, Map.of())).isEqualTo(ConfigLoader.load(null, Map.of()));
        assertThat(ConfigLoader.readYaml(shipped).keySet()).containsExactlyInAnyOrderElementsOf(
                ConfigLoader.DEFAULTS.keySet());
    }
}
