package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.runtime.testing.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The cluster's throw-away CA and certificates, made as an operator makes them
 * ({@link TestCa}: scripts/make-certs.sh), in the layout {@link Cluster.Tls} reads.
 */
final class TestPki {

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
        try {
            TestCa.Issued issued = TestCa.existing(tls.dir()).issue(role, name, sans);
            assertThat(issued.cert()).isEqualTo(tls.cert(name)).isRegularFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
