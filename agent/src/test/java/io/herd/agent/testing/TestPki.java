package io.herd.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away CA and certificates for mutual-TLS tests, made with the JDK's keytool (always
 * there with the JDK); private keys are written as PKCS#8 PEM, as grpc-java reads them.
 */
public final class TestPki {

    private static final String PASS = "herd-test";
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Creates a CA named {@code name} in {@code dir}. */
    public static TestPki create(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        pki.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "bc:c", "-keystore", pki.caStore().toString());
        pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", pki.caStore().toString(),
                "-file", pki.ca().toString());
        return pki;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    private Path caStore() {
        return dir.resolve("ca.p12");
    }

    /**
     * Issues a certificate for 127.0.0.1/localhost usable as server and client certificate.
     *
     * @return the PEM certificate; the PKCS#8 PEM key is beside it with the extension .key
     */
    public Path issue(String name) throws IOException {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + name, "-keystore", store.toString());
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore().toString(), "-infile", csr.toString(),
                "-outfile", cert.toString(), "-validity", "2", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-ext", "eku=serverAuth,clientAuth");
        Files.writeString(keyOf(cert), pem("PRIVATE KEY", privateKey(store, name)), StandardCharsets.US_ASCII);
        return cert;
    }

    public static Path keyOf(Path cert) {
        String file = cert.getFileName().toString();
        return cert.resolveSibling(file.substring(0, file.length() - ".pem".length()) + ".key");
    }

    private static byte[] privateKey(Path store, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            Key key = ks.getKey(alias, PASS.toCharArray());
            return key.getEncoded(); // PKCS#8
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key from " + store, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-noprompt"));
        Virsh.Result r = Virsh.exec(cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError("keytool failed: " + String.join(" ", cmd) + "\n" + r.output());
        }
    }
}
