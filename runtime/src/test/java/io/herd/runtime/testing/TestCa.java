package io.herd.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away herd CA for tests, made by scripts/make-certs.sh, the tool operators use:
 * P-256 keys in PKCS#8, the role in the subject's OU, the name in its CN. Tests run from a
 * module directory, so the script is {@code ../scripts/make-certs.sh}.
 */
public final class TestCa {

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    private static final Path SCRIPT = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();

    /** A new CA in {@code dir}: ca.pem, ca.key. */
    public static TestCa create(Path dir) throws IOException {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir);
        ca.run(List.of("bash", SCRIPT.toString(), "--ca-only", dir.toString()));
        return ca;
    }

    /** The CA already in {@code dir} (made by {@link #create} or make-certs.sh). */
    public static TestCa existing(Path dir) {
        return new TestCa(dir);
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /**
     * A certificate signed by this CA, made by make-certs.sh.
     *
     * @param role the OU: controller, agent, admin, operator or viewer
     * @param name the CN; the files are NAME.pem and NAME.key
     * @param sans DNS names and IP addresses it is valid for (none: the name)
     */
    public Issued issue(String role, String name, String... sans) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), dir.toString(), role, name));
        command.addAll(List.of(sans));
        run(command);
        return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), caFile());
    }

    /**
     * A certificate of this CA whose subject names no role ({@code /CN=name}), which
     * make-certs.sh does not make: for checking that such a certificate is allowed nothing.
     */
    public Issued issueWithoutRole(String name) throws IOException {
        String key = name + ".key";
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        openssl("req", "-new", "-key", key, "-subj", "/CN=" + name, "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n",
                StandardCharsets.UTF_8);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-sha256", "-extfile", name + ".ext", "-out", name + ".pem");
        Files.deleteIfExists(dir.resolve("ca.srl"));
        return new Issued(dir.resolve(name + ".pem"), dir.resolve(key), caFile());
    }

    /** A certificate, its key and the CA that signed it. */
    public record Issued(Path cert, Path key, Path ca) {
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        run(command);
    }

    private void run(List<String> command) throws IOException {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new IOException("no " + SCRIPT + " (tests run from a module directory)");
        }
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
