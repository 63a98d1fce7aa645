package io.herd.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.placement.Weighing;
import io.herd.controller.store.PostgresTarget;
import io.herd.runtime.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        ControllerConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(7700);
        assertThat(c.storePath()).isEqualTo(Path.of("/var/lib/herd/controller.db"));
        assertThat(c.storeUrl()).isEmpty();
        assertThat(c.storeDescription()).isEqualTo("SQLite /var/lib/herd/controller.db");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxGroups()).isZero();
        assertThat(c.weighing()).isEqualTo(Weighing.SPREAD);
        assertThat(c.tls()).isEmpty();
        assertThat(c.open()).isTrue();
        assertThat(c.limits().maxDomainsPerHeartbeat()).isEqualTo(10_000);
    }

    @Test
    void readsYamlAndFlagsWin() throws Exception {
        Path file = write("""
                listen: 127.0.0.1:0
                store:
                  path: /tmp/x.db
                heartbeat_interval_ms: 1000
                quotas:
                  max_groups: 10
                  max_members_per_group: 50
                launch:
                  parallelism: 4
                  retries: 1
                  timeout_ms: 60000
                placement:
                  weighing: pack
                """);
        ControllerConfig c = ConfigLoader.load(file, Map.of("quotas.max_groups", "11"));
        assertThat(c.listenPort()).isZero();
        assertThat(c.storePath()).isEqualTo(Path.of("/tmp/x.db"));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxGroups()).isEqualTo(11);
        assertThat(c.maxMembersPerGroup()).isEqualTo(50);
        assertThat(c.launchParallelism()).isEqualTo(4);
        assertThat(c.launchRetries()).isEqualTo(1);
        assertThat(c.launchTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.weighing()).isEqualTo(Weighing.PACK);
    }

    @Test
    void namesTheBadKey() throws Exception {
        bad("quotas.max_grups: unknown key", "quotas:\n  max_grups: 3\n");
        bad("heartbeat_interval_ms: must be a whole number", "heartbeat_interval_ms: soon\n");
        bad("heartbeat_interval_ms: must be between", "heartbeat_interval_ms: 1\n");
        bad("listen: must be host:port", "listen: localhost\n");
        bad("listen: must be host:port with a port of 0–65535", "listen: 127.0.0.1:70000\n");
        bad("placement.weighing: must be one of spread, pack", "placement:\n  weighing: random\n");
        bad("tls.cert_file: cannot read", "tls:\n  cert_file: /nonexistent/cert.pem\n");
        bad("insecure: must be true or false", "insecure: maybe\n");
        bad("launch.parallelism: must be between", "launch:\n  parallelism: 0\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("nope", "1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("nope: unknown key");
    }

    @Test
    void tlsFilesComeAllTogether() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls.cert_file", cert.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.key_file: required");
    }

    @Test
    void tlsFilesThatAreNoPemStopTheStartWithTheKeyNamed() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("tls.cert_file", junk.toString(),
                "tls.key_file", junk.toString(), "tls.ca_file", junk.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tls.key_file: cannot use");
    }

    @Test
    void aNonLoopbackAddressNeedsTlsOrInsecure() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("listen", "0.0.0.0:7700")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--insecure");
        ControllerConfig c = ConfigLoader.load(null, Map.of("listen", "0.0.0.0:7700", "insecure", "true"));
        assertThat(c.insecure()).isTrue();
        assertThat(c.listensOnLoopback()).isFalse();
    }

    @Test
    void aStoreUrlSelectsPostgresWithThePasswordFromItsFile() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "s3cret pass\n");
        ControllerConfig c = ConfigLoader.load(write("""
                store:
                  url: postgresql://herd@db1:6432/herd
                  password_file: %s
                """.formatted(password)), Map.of(), Map.of(ConfigLoader.PASSWORD_ENV, "from-env"));
        assertThat(c.storeUrl()).contains(new PostgresTarget("herd", "db1", 6432, "herd", "s3cret pass"));
        assertThat(c.storeDescription()).isEqualTo("postgresql://herd@db1:6432/herd").doesNotContain("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void withoutAPasswordFileThePasswordComesFromTheEnvironment() {
        ControllerConfig c = ConfigLoader.load(null, Map.of("store.url", "postgresql://db1/herd"),
                Map.of(ConfigLoader.PASSWORD_ENV, "from-env"));
        assertThat(c.storeUrl()).contains(new PostgresTarget("", "db1", 5432, "herd", "from-env"));
        assertThat(ConfigLoader.load(null, Map.of("store.url", "postgresql://db1/herd"), Map.of()).storeUrl())
                .contains(new PostgresTarget("", "db1", 5432, "herd", ""));
    }

    @Test
    void aBadStoreUrlOrPasswordFileIsNamed() throws Exception {
        bad("store.url: must not carry a password", "store:\n  url: postgresql://herd:pw@db1/herd\n");
        bad("store.url: must be postgresql://", "store:\n  url: /var/lib/herd/controller.db\n");
        bad("store.password_file: cannot read", "store:\n  url: postgresql://db1/herd\n"
                + "  password_file: /nonexistent/pw\n");
    }

    @Test
    void theComputeApiIsOffByDefaultAndStaysOnLoopbackWithoutTokens() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).novaApiListen()).isEmpty();
        assertThat(ConfigLoader.load(null, Map.of("nova_api.listen", "127.0.0.1:8774")).novaApiListen())
                .contains(new io.herd.runtime.config.HostPort("127.0.0.1", 8774));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("nova_api.listen", "0.0.0.0:8774")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("nova_api.listen: 0.0.0.0:8774 is not a loopback address, and without "
                        + "auth.tokens_file");
        Path tokens = Files.writeString(dir.resolve("tokens"), "# none yet\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("nova_api.listen", "0.0.0.0:8774",
                "auth.tokens_file", tokens.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--insecure");
        assertThat(ConfigLoader.load(null, Map.of("nova_api.listen", "0.0.0.0:8774", "auth.tokens_file",
                tokens.toString(), "insecure", "true")).novaApiListen()).isPresent();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("nova_api.listen", "localhost")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("nova_api.listen: must be host:port");
    }

    private void bad(String message, String yaml) throws Exception {
        Path file = write(yaml);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "controller", ".yaml"), yaml);
    }
}
