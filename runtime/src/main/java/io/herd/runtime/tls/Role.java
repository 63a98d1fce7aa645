package io.herd.runtime.tls;

import java.util.Locale;
import java.util.Optional;

/**
 * What an identity may do. A certificate names its role in its subject's OU
 * ({@code /OU=agent/CN=hv-a1}); a bearer token's line in the tokens file names it.
 * The public API's roles are ordered: an admin may do what an operator may, an operator
 * what a viewer may.
 */
public enum Role {
    /** A herd controller: calls agents. */
    CONTROLLER,
    /** A herd agent: heartbeats for the host its certificate names. */
    AGENT,
    /** Reads groups, servers and hosts. */
    VIEWER,
    /** A viewer that also creates, deletes and migrates groups and servers. */
    OPERATOR,
    /** An operator that also manages hosts (cordon, drain, evacuate, approve). */
    ADMIN;

    /** The role's name as written in certificates and the tokens file. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        if (this == needed) {
            return true;
        }
        return switch (needed) {
            case VIEWER -> this == OPERATOR || this == ADMIN;
            case OPERATOR -> this == ADMIN;
            default -> false;
        };
    }

    public static Optional<Role> parse(String text) {
        for (Role r : values()) {
            if (r.label().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
