package io.herd.cli;

import io.grpc.ManagedChannel;
import java.io.IOException;

/** Opens the channel to the controller; tests hand herdctl an in-process one. */
@FunctionalInterface
public interface ChannelFactory {
  /**
   * A channel to the controller described by {@code settings}.
   *
   * @throws IOException if a TLS file cannot be read
   */
  ManagedChannel open(ConnectionSettings settings) throws IOException;
}
