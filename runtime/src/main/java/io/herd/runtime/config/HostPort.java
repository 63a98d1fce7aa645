package io.herd.runtime.config;

/**
 * {@code host:port}: a DNS name, an IPv4 address or a bracketed IPv6 address, and a port.
 *
 * @param host the host, without brackets
 * @param port the port
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code text}, refusing it with {@code key} named.
     *
     * @param minPort 0 where "any free port" is allowed, else 1
     */
    public static HostPort parse(String key, String text, int minPort) {
        int colon = text.lastIndexOf(':');
        String host = colon <= 0 ? "" : text.substring(0, colon);
        String port = colon < 0 ? "" : text.substring(colon + 1);
        boolean bracketed = host.length() > 2 && host.startsWith("[") && host.endsWith("]")
                && host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+");
        boolean plain = host.length() <= 253 && host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
        if (!(bracketed || plain) || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < minPort
                || Integer.parseInt(port) > 65_535) {
            throw new ConfigException(key, "must be host:port with a port of " + minPort + "–65535 (e.g. "
                    + "hv1.example.org:7701, 10.0.0.5:7701, [2001:db8::5]:7701), was '" + text + "'");
        }
        return new HostPort(bracketed ? host.substring(1, host.length() - 1) : host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
