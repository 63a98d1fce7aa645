package io.herd.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away CA and certificates for mutual-TLS tests, made as an operator makes them:
 * with scripts/make-certs.sh (openssl; EC P-256 keys in PKCS#8 PEM, subject
 * {@code /OU=ROLE/CN=NAME}). scripts/setup-machine.sh installs openssl: a missing one fails
 * the test rather than skipping it.
 */
public final class TestPki {

    private static final Path SCRIPT = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir} (ca.pem, ca.key). */
    public static TestPki create(Path dir) {
        TestPki pki = new TestPki(dir);
        pki.makeCerts("--ca-only", dir.toString());
        return pki;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /**
     * A certificate signed by this CA, for server and client use.
     *
     * @param role controller, agent, admin, operator or viewer (the subject's OU)
     * @param name the subject's CN
     * @param sans DNS names and IP addresses it is valid for (none: {@code name})
     * @return the PEM certificate; its PKCS#8 PEM key is {@link #keyOf} it
     */
    public Path issue(String role, String name, String... sans) {
        List<String> args = new ArrayList<>(List.of(dir.toString(), role, name));
        args.addAll(List.of(sans));
        makeCerts(args.toArray(String[]::new));
        return dir.resolve(name + ".pem");
    }

    public static Path keyOf(Path cert) {
        String file = cert.getFileName().toString();
        return cert.resolveSibling(file.substring(0, file.length() - ".pem".length()) + ".key");
    }

    private void makeCerts(String... args) {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new AssertionError("no " + SCRIPT + " (tests run from the module directory)");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Virsh.Result r = Virsh.exec(cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + r.output());
        }
    }
}
