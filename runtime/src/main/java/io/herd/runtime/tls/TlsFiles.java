package io.herd.runtime.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.herd.runtime.config.ConfigException;
import io.herd.runtime.config.ConfigValues;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

/**
 * A program's own certificate, its key and the CA it trusts ({@code tls.cert_file},
 * {@code tls.key_file}, {@code tls.ca_file}; PEM, the key PKCS#8). The files are read again
 * every minute, so a renewed certificate or CA is used without a restart.
 *
 * @param cert certificate (chain), PEM
 * @param key  its private key, PEM
 * @param ca   the CA certificate(s) peers must be signed by, PEM
 */
public record TlsFiles(Path cert, Path key, Path ca) {

    /** How often the files are read again. */
    public static final long RELOAD_MINUTES = 1;

    private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tls-reload");
        t.setDaemon(true);
        return t;
    });

    /** The three {@code tls.*} keys: all set, or none (empty: no TLS). */
    public static Optional<TlsFiles> from(ConfigValues v) {
        Path cert = v.readableFileOrNull("tls.cert_file");
        Path key = v.readableFileOrNull("tls.key_file");
        Path ca = v.readableFileOrNull("tls.ca_file");
        int set = (cert == null ? 0 : 1) + (key == null ? 0 : 1) + (ca == null ? 0 : 1);
        if (set == 0) {
            return Optional.empty();
        }
        if (set != 3) {
            throw new ConfigException(cert == null ? "tls.cert_file" : key == null ? "tls.key_file" : "tls.ca_file",
                    "required with the other tls.* keys (set all three, or none)");
        }
        TlsFiles files = new TlsFiles(cert, key, ca);
        files.check();
        return Optional.of(files);
    }

    /**
     * For a server: presents this certificate and checks client certificates against the CA.
     *
     * @param requireClientCertificate refuse the handshake without one (else calls without a
     *                                 certificate reach the server, which decides per call)
     */
    public ServerCredentials serverCredentials(boolean requireClientCertificate) {
        return TlsServerCredentials.newBuilder()
                .keyManager(keyManager())
                .trustManager(trustManager(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION,
                        null))
                .clientAuth(requireClientCertificate ? TlsServerCredentials.ClientAuth.REQUIRE
                        : TlsServerCredentials.ClientAuth.OPTIONAL)
                .build();
    }

    /**
     * For a client: presents this certificate, checks the server's against the CA and the
     * address dialled, and refuses a server whose certificate does not name {@code serverRole}.
     */
    public ChannelCredentials channelCredentials(Role serverRole) {
        return TlsChannelCredentials.newBuilder()
                .keyManager(keyManager())
                .trustManager(trustManager(
                        AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION,
                        new RoleCheck(serverRole)))
                .build();
    }

    /**
     * For an HTTPS server: presents this certificate, and checks the client certificates it asks
     * for (without requiring one) against the CA; the files are read again as for gRPC.
     */
    public SSLContext serverSslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager()}, new TrustManager[] {trustManager(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION, null)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /** Reads the files once, so that a bad one stops the start with its key named. */
    private void check() {
        try {
            new AdvancedTlsX509KeyManager().updateIdentityCredentials(cert.toFile(), key.toFile());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw keyProblem(e);
        }
        try {
            AdvancedTlsX509TrustManager.newBuilder().build().updateTrustCredentials(ca.toFile());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw caProblem(e);
        }
    }

    private ConfigException keyProblem(Exception e) {
        return new ConfigException("tls.key_file", "cannot use " + cert + " with " + key
                + " (PEM certificate and PKCS#8 PEM key expected): " + e.getMessage());
    }

    private ConfigException caProblem(Exception e) {
        return new ConfigException("tls.ca_file", "cannot use " + ca + " as PEM CA certificate(s): " + e.getMessage());
    }

    /**
     * A key manager that reads the files again every {@link #RELOAD_MINUTES}; its reload task
     * lasts as long as the program (servers and channels made from it do too).
     */
    private AdvancedTlsX509KeyManager keyManager() {
        AdvancedTlsX509KeyManager manager = new AdvancedTlsX509KeyManager();
        try {
            manager.updateIdentityCredentials(cert.toFile(), key.toFile(), RELOAD_MINUTES, TimeUnit.MINUTES,
                    RELOADER);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw keyProblem(e);
        }
        return manager;
    }

    private AdvancedTlsX509TrustManager trustManager(AdvancedTlsX509TrustManager.Verification verification,
                                                     RoleCheck check) {
        try {
            AdvancedTlsX509TrustManager.Builder b = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(verification);
            if (check != null) {
                b.setSslSocketAndEnginePeerVerifier(check);
            }
            AdvancedTlsX509TrustManager manager = b.build();
            manager.updateTrustCredentials(ca.toFile(), RELOAD_MINUTES, TimeUnit.MINUTES, RELOADER);
            return manager;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw caProblem(e);
        }
    }

    /** Refuses a peer whose certificate does not name the expected role. */
    private record RoleCheck(Role expected) implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
        @Override
        public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            Identity peer = Certificates.identity(chain[0]);
            if (!peer.has(expected)) {
                throw new CertificateException("the peer's " + peer.describe() + " is not a herd "
                        + expected.label() + " certificate (OU=" + expected.label() + ")");
            }
        }
    }
}
