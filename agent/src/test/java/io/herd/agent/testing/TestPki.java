package io.herd.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away CA and certificates made with openssl, for mutual-TLS tests. */
public final class TestPki {

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Creates a CA named {@code name} in {@code dir}. */
    public static TestPki create(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.pem").toString());
        return pki;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /**
     * Issues a certificate for 127.0.0.1/localhost usable as server and client certificate.
     *
     * @return the certificate; the PKCS#8 key is beside it with the extension .key
     */
    public Path issue(String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
                "-keyout", key.toString(), "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca().toString(), "-CAkey", dir.resolve("ca.key").toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return cert;
    }

    public static Path keyOf(Path cert) {
        String file = cert.getFileName().toString();
        return cert.resolveSibling(file.substring(0, file.length() - ".pem".length()) + ".key");
    }

    private void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Virsh.Result r = Virsh.exec(cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError("openssl failed: " + r.output());
        }
    }
}
