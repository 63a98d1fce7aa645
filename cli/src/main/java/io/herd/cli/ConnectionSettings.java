package io.herd.cli;

import java.nio.file.Path;

/**
 * How to reach one controller: its address and, for TLS, the files to use.
 *
 * @param address where its public API listens
 * @param tls whether to use TLS (implied by any of the files)
 * @param caFile CA certificates that sign the controller's certificate; null: the JVM's
 * @param certFile client certificate chain (PEM) for mutual TLS; null: none
 * @param keyFile the client certificate's private key (PKCS#8 PEM); null: none
 * @param tokenFile the file whose first line is the bearer token sent with every call; null: none
 */
public record ConnectionSettings(
    ControllerAddress address, boolean tls, Path caFile, Path certFile, Path keyFile, Path tokenFile) {
  /** The same settings for another controller. */
  public ConnectionSettings withAddress(ControllerAddress other) {
    return new ConnectionSettings(other, tls, caFile, certFile, keyFile, tokenFile);
  }
}
