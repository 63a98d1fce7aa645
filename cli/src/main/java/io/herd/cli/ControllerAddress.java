package io.herd.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the controller's public API listens: {@code host:port}, {@code [v6addr]:port}.
 *
 * @param host a host name or address (IPv6 without brackets)
 * @param port the TCP port, 1–65535
 */
public record ControllerAddress(String host, int port) {
  /** Used when neither {@code --controller} nor {@code HERD_CONTROLLER} is given. */
  public static final String DEFAULT = "127.0.0.1:7700";

  public ControllerAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the controller address has no host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the controller port must be 1–65535, not " + port);
    }
  }

  /** Reads {@code host:port}; the message of the exception says what is wrong. */
  public static ControllerAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (e.g. " + DEFAULT + ")");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not host:port; write an IPv6 address in brackets: [::1]:7700");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port (e.g. " + DEFAULT + ")");
    }
    return new ControllerAddress(host, port);
  }

  /**
   * Whether the host is this machine for certain: {@code localhost} or a loopback address
   * (127.0.0.0/8, ::1). Other names are not looked up: what they resolve to is no proof.
   */
  public boolean isLoopback() {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    boolean literal = host.contains(":") || host.matches("[0-9.]+");
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether a call's authority ({@code host:port}) is a loopback address; false if unreadable. */
  static boolean isLoopbackAuthority(String authority) {
    try {
      return parse(authority).isLoopback();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
