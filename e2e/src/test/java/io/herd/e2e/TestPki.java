package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away CA and certificates made as an operator makes them, with scripts/make-certs.sh
 * (openssl; EC P-256 keys in PKCS#8 PEM; subject {@code /OU=ROLE/CN=NAME}).
 */
final class TestPki {

    private static final Path SCRIPT = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();

    private TestPki() {
    }

    /**
     * A CA in {@code dir}, the controller's certificate ({@link Cluster.Tls#CONTROLLER}, for
     * 127.0.0.1 and localhost) and the tests' own client certificate ({@link Cluster.Tls#CLIENT},
     * role admin). Agents' certificates are made as the agents start ({@link #issue}).
     */
    static Cluster.Tls create(Path dir) {
        Cluster.Tls tls = new Cluster.Tls(dir);
        issue(tls, "controller", Cluster.Tls.CONTROLLER, "localhost", "127.0.0.1");
        issue(tls, "admin", Cluster.Tls.CLIENT);
        return tls;
    }

    /** A certificate {@code /OU=role/CN=name} for the given SANs (none: the name). */
    static void issue(Cluster.Tls tls, String role, String name, String... sans) {
        assertThat(SCRIPT).as("scripts/make-certs.sh, run from the module directory").isRegularFile();
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), tls.dir().toString(), role, name));
        command.addAll(List.of(sans));
        Commands.Result r = Commands.run(command.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r.output()).isZero();
        assertThat(Files.isRegularFile(tls.cert(name))).isTrue();
    }
}
