package io.herd.controller.api;

import io.grpc.Status;
import io.herd.runtime.tls.Identity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Binds a heartbeat to the agent certificate it came with: the certificate's CN is the host
 * name, and the address the controller will dial is one the certificate is valid for (so the
 * controller's TLS check of the agent passes, and nobody can point another host's launches
 * elsewhere). Heartbeats without a certificate (plaintext mode) are not checked here.
 */
final class AgentIdentity {

    private AgentIdentity() {
    }

    static void check(Identity who, String hostName, String agentAddress) {
        if (who.via() != Identity.Via.CERTIFICATE) {
            return;
        }
        if (!who.name().equals(hostName)) {
            throw Status.PERMISSION_DENIED.withDescription(who.describe() + " may heartbeat only for host '"
                    + who.name() + "', not '" + hostName + "'").asRuntimeException();
        }
        if (agentAddress.startsWith("unix:")) {
            throw Fields.invalid("agent_address", "a controller with TLS calls agents over TLS: host:port expected, "
                    + "was '" + agentAddress + "'");
        }
        String host = agentAddress.substring(0, agentAddress.lastIndexOf(':'));
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        for (String san : who.addresses()) {
            if (matches(san, host)) {
                return;
            }
        }
        throw Status.PERMISSION_DENIED.withDescription("agent_address: " + agentAddress + " is not an address "
                + who.describe() + " is valid for " + who.addresses()).asRuntimeException();
    }

    private static boolean matches(String san, String host) {
        if (literal(san) && literal(host)) {
            try {
                return InetAddress.getByName(san).equals(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        String s = san.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (s.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(s.substring(1));
        }
        return s.equals(h);
    }

    /** An IP address literal (resolving it looks nothing up). */
    private static boolean literal(String text) {
        return text.matches("[0-9.]+") || text.matches("[0-9A-Fa-f:.]+") && text.contains(":");
    }
}
