package io.herd.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away herd CA for tests, made with openssl the way scripts/make-certs.sh makes
 * real ones: P-256 keys in PKCS#8, the role in the subject's OU, the name in its CN.
 */
public final class TestCa {

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir}: ca.pem, ca.key. */
    public static TestCa create(Path dir) throws IOException {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir);
        ca.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
        ca.openssl("req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "2", "-subj", "/CN=herd test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", "ca.pem");
        return ca;
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /**
     * A certificate signed by this CA.
     *
     * @param role the OU, or null for none
     * @param name the CN; the files are NAME.pem and NAME.key
     * @param sans DNS names and IP addresses it is valid for
     */
    public Issued issue(String role, String name, String... sans) throws IOException {
        String key = name + ".key";
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        openssl("req", "-new", "-key", key, "-subj", (role == null ? "" : "/OU=" + role) + "/CN=" + name,
                "-out", name + ".csr");
        List<String> alt = new ArrayList<>();
        for (String san : sans) {
            alt.add((san.matches("[0-9.]+") || san.contains(":") ? "IP:" : "DNS:") + san);
        }
        StringBuilder ext = new StringBuilder("basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n");
        if (!alt.isEmpty()) {
            ext.append("subjectAltName=").append(String.join(",", alt)).append('\n');
        }
        Files.writeString(dir.resolve(name + ".ext"), ext, StandardCharsets.UTF_8);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-sha256", "-extfile", name + ".ext", "-out", name + ".pem");
        return new Issued(dir.resolve(name + ".pem"), dir.resolve(key), caFile());
    }

    /** A certificate, its key and the CA that signed it. */
    public record Issued(Path cert, Path key, Path ca) {
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
