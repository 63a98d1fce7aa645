package io.herd.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;

/** Real channels over TCP, plaintext or TLS (optionally mutual). */
final class NettyChannelFactory implements ChannelFactory {
  @Override
  public ManagedChannel open(ConnectionSettings settings) throws IOException {
    ChannelCredentials credentials;
    if (settings.tls()) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (settings.caFile() != null) {
        tls.trustManager(settings.caFile().toFile());
      }
      if (settings.certFile() != null) {
        tls.keyManager(settings.certFile().toFile(), settings.keyFile().toFile());
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    ControllerAddress address = settings.address();
    return Grpc.newChannelBuilderForAddress(address.host(), address.port(), credentials)
        .userAgent("herdctl")
        .build();
  }
}
