package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged herd-controller.jar's command line: help, version, and bad configuration named. */
class ControllerCliIT {

    @TempDir
    Path dir;

    @Test
    void printsHelpAndVersion() {
        Commands.Result help = java("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("--config=FILE", "--listen=HOST:PORT", "--store-path=FILE", "--insecure");
        Commands.Result version = java("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.output()).matches("(?s)herd-controller \\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void refusesABadConfigurationNamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("controller.yaml"), "quotas:\n  max_groups: lots\n");
        Commands.Result bad = java("--config", config.toString(), "--store-path", dir.resolve("c.db").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("quotas.max_groups: must be a whole number");
        assertThat(dir.resolve("c.db")).doesNotExist();

        Commands.Result exposed = java("--listen", "0.0.0.0:0", "--store-path", dir.resolve("c.db").toString());
        assertThat(exposed.exitCode()).isEqualTo(2);
        assertThat(exposed.output()).contains("listen: 0.0.0.0:0 is not a loopback address").contains("--insecure");
    }

    private static Commands.Result java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Cluster.CONTROLLER_JAR));
        cmd.addAll(List.of(args));
        return Commands.run(cmd.toArray(String[]::new));
    }
}
