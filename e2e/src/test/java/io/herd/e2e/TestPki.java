package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away CA and one certificate for 127.0.0.1/localhost (server and client use), made
 * with the JDK's keytool; the key is written as PKCS#8 PEM, as grpc-java reads it.
 */
final class TestPki {

    private static final String PASS = "herd-test";

    private TestPki() {
    }

    /** Creates ca.pem, herd.pem and herd.key in {@code dir}. */
    static Cluster.Tls create(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path caStore = dir.resolve("ca.p12");
        Path store = dir.resolve("herd.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=herd-test-ca", "-ext", "bc:c", "-keystore", caStore.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                "-file", dir.resolve("ca.pem").toString());
        keytool("-genkeypair", "-alias", "herd", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=herd", "-keystore", store.toString());
        keytool("-certreq", "-alias", "herd", "-keystore", store.toString(), "-file", dir.resolve("herd.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                "-infile", dir.resolve("herd.csr").toString(), "-outfile", dir.resolve("herd.pem").toString(),
                "-validity", "2", "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth,clientAuth");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        byte[] pkcs8 = ks.getKey("herd", PASS.toCharArray()).getEncoded();
        Files.writeString(dir.resolve("herd.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return new Cluster.Tls(dir.resolve("herd.pem"), dir.resolve("herd.key"), dir.resolve("ca.pem"));
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-noprompt"));
        Commands.Result r = Commands.run(cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", cmd) + "\n" + r.output()).isZero();
    }
}
