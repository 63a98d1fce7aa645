package io.herd.controller.nova;

import io.herd.controller.auth.Tokens;
import io.herd.runtime.tls.Certificates;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Who calls the compute API, with the credentials the gRPC API takes: a bearer token of
 * auth.tokens_file in {@code X-Auth-Token} (as Keystone's tokens travel), or, over HTTPS, a
 * client certificate signed by the controller's CA, whose OU names the role as for gRPC.
 * Reads need the viewer role, changes the operator role. With neither tokens nor TLS
 * everyone is {@link Identity#OPEN}, and the configuration keeps the port on loopback.
 */
public final class NovaAuth {

    public static final String TOKEN_HEADER = "X-Auth-Token";

    private final Tokens tokens;
    private final boolean tls;

    /**
     * @param tokens the controller's tokens, or null for none
     * @param tls    true when the port is HTTPS and asks for client certificates
     */
    public NovaAuth(Tokens tokens, boolean tls) {
        this.tokens = tokens;
        this.tls = tls;
    }

    /** The caller of an HTTP request: by its {@code X-Auth-Token}, else its client certificate. */
    public Identity caller(Request request) {
        return caller(request.getHeaders().get(TOKEN_HEADER), certificate(request));
    }

    /** The client certificate the caller presented over HTTPS, checked against the CA by the handshake. */
    private static Optional<X509Certificate> certificate(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null && ssl.peerCertificates().length > 0) {
            return Optional.of(ssl.peerCertificates()[0]);
        }
        return Optional.empty();
    }

    /**
     * The caller a request's token stands for when this controller knows it, else the one its
     * client certificate names; 401 without either when credentials are configured. A token
     * this controller does not know is passed over for a certificate: clients without Keystone
     * send a placeholder ({@code auth_type: none} sends "notused").
     */
    public Identity caller(String token, Optional<X509Certificate> certificate) {
        boolean hasToken = token != null && !token.isBlank();
        if (hasToken && tokens != null) {
            Optional<Identity> known = tokens.lookup(token.strip());
            if (known.isPresent()) {
                return known.get();
            }
        }
        if (certificate.isPresent()) {
            return Certificates.identity(certificate.get());
        }
        if (tokens == null && !tls) {
            return Identity.OPEN;
        }
        if (hasToken && tokens != null) {
            throw new NovaError(401, "The token in " + TOKEN_HEADER + " is not one this controller knows "
                    + "(auth.tokens_file).");
        }
        throw new NovaError(401, "The request you have made requires authentication: "
                + (tokens != null ? "send a token of this controller's auth.tokens_file in the " + TOKEN_HEADER
                + " header" + (tls ? ", or present a client certificate signed by its CA." : ".")
                : "present a client certificate signed by this controller's CA."));
    }

    /** 403 unless {@code who} has {@code needed}; {@code rule} names the action as Nova's policy does. */
    static void require(Identity who, Role needed, String rule) {
        if (!who.has(needed)) {
            throw new NovaError(403, "Policy doesn't allow os_compute_api:" + rule + " to be performed: "
                    + who.describe() + " needs the " + needed.label() + " role.");
        }
    }
}
