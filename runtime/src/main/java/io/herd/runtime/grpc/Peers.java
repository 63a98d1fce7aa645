package io.herd.runtime.grpc;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.herd.runtime.tls.Certificates;
import io.herd.runtime.tls.Identity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Who is at the other end of a call. */
public final class Peers {

    private Peers() {
    }

    /** The identity in the client's certificate, when it presented one (the CA checked it). */
    public static Optional<Identity> certificate(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
                return Optional.of(Certificates.identity(x509));
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate
        }
        return Optional.empty();
    }

    /** The client's address, for logs. */
    public static String address(ServerCall<?, ?> call) {
        Object a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return a == null ? "unknown" : a.toString();
    }
}
