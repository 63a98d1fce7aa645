package io.herd.controller.nova;

import io.herd.controller.auth.Tokens;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;

/**
 * Who calls the compute API, with the bearer tokens the gRPC API takes (auth.tokens_file):
 * the token travels in {@code X-Auth-Token}, as Keystone's do. Reads need the viewer role,
 * changes the operator role. Without a tokens file everyone is {@link Identity#OPEN}, and
 * the configuration keeps the port on loopback.
 */
final class NovaAuth {

    static final String TOKEN_HEADER = "X-Auth-Token";

    private final Tokens tokens;

    /** @param tokens the controller's tokens, or null for none (open) */
    NovaAuth(Tokens tokens) {
        this.tokens = tokens;
    }

    /** The caller a request's token stands for; 401 without a token this controller knows. */
    Identity caller(String token) {
        if (tokens == null) {
            return Identity.OPEN;
        }
        if (token == null || token.isBlank()) {
            throw new NovaError(401, "The request you have made requires authentication: send a token of this "
                    + "controller's auth.tokens_file in the " + TOKEN_HEADER + " header.");
        }
        return tokens.lookup(token.strip()).orElseThrow(() -> new NovaError(401, "The token in " + TOKEN_HEADER
                + " is not one this controller knows (auth.tokens_file)."));
    }

    /** 403 unless {@code who} has {@code needed}; {@code rule} names the action as Nova's policy does. */
    static void require(Identity who, Role needed, String rule) {
        if (!who.has(needed)) {
            throw new NovaError(403, "Policy doesn't allow os_compute_api:" + rule + " to be performed: "
                    + who.describe() + " needs the " + needed.label() + " role.");
        }
    }
}
