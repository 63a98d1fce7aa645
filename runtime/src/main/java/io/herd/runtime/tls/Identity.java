package io.herd.runtime.tls;

import java.util.List;
import java.util.Optional;

/**
 * Who is calling: the name (a certificate's CN, a token's name), its role if it has one, how
 * it proved itself, and for a certificate the DNS names and IP addresses it is valid for.
 *
 * @param name      CN or token name
 * @param role      the role, empty when the certificate names none
 * @param via       how the caller was authenticated
 * @param addresses the certificate's DNS and IP subject alternative names
 */
public record Identity(String name, Optional<Role> role, Via via, List<String> addresses) {

    /** How an identity was established. */
    public enum Via {
        CERTIFICATE, TOKEN, NONE
    }

    /** Everyone, in the open mode without TLS or tokens (demos and tests). */
    public static final Identity OPEN = new Identity("anonymous", Optional.of(Role.ADMIN), Via.NONE, List.of());

    public Identity {
        addresses = List.copyOf(addresses);
    }

    public boolean has(Role needed) {
        return role.isPresent() && role.get().covers(needed);
    }

    /** e.g. {@code certificate CN=hv-a1 (agent)}, for messages and the audit log. */
    public String describe() {
        String who = switch (via) {
            case CERTIFICATE -> "certificate CN=" + name;
            case TOKEN -> "token " + name;
            case NONE -> name;
        };
        return who + " (" + role.map(Role::label).orElse("no role") + ")";
    }
}
