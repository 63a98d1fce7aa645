package io.herd.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback addresses where no agent answers, for an agent to advertise (its
 * {@code advertise_address}) so that it heartbeats but the controller cannot call it: a silent
 * address accepts connections and never answers them (calls hang until their deadline, or until
 * {@link #endSilence()}); a refusing address refuses them (calls fail at once).
 */
final class UnreachableAgents implements AutoCloseable {
  private final List<ServerSocket> silentSockets = new ArrayList<>();
  private Socket refusingSocket;

  /** A new address where a socket accepts connections and never answers them. */
  String silentAddress() throws IOException {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    silentSockets.add(silent);
    return "127.0.0.1:" + silent.getLocalPort();
  }

  /**
   * Closes every silent address: connections held there are reset, so the calls that hung on
   * them fail; new ones are refused.
   */
  void endSilence() throws IOException {
    for (ServerSocket silent : silentSockets) {
      silent.close();
    }
  }

  /** An address where connections are refused: its port is taken, and nothing listens on it. */
  String refusingAddress() throws IOException {
    if (refusingSocket == null) {
      refusingSocket = new Socket();
      refusingSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
    return "127.0.0.1:" + refusingSocket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    endSilence();
    if (refusingSocket != null) {
      refusingSocket.close();
    }
  }
}
