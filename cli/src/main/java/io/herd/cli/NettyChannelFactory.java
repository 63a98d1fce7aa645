package io.herd.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** Real channels over TCP, plaintext or TLS (optionally mutual). */
final class NettyChannelFactory implements ChannelFactory {
  @Override
  public ManagedChannel open(ConnectionSettings settings) throws IOException {
    ChannelCredentials credentials;
    if (settings.tls()) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (settings.caFile() != null) {
        requireCertificates("--ca", settings.caFile());
        tls.trustManager(settings.caFile().toFile());
      }
      if (settings.certFile() != null) {
        requireCertificates("--cert", settings.certFile());
        tls.keyManager(settings.certFile().toFile(), settings.keyFile().toFile());
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    ControllerAddress address = settings.address();
    try {
      return Grpc.newChannelBuilderForAddress(address.host(), address.port(), credentials)
          .userAgent("herdctl")
          .build();
    } catch (RuntimeException e) {
      // e.g. a key that is not PKCS#8 PEM: the transport refuses the credentials
      throw new IOException(transportReason(e.getMessage()), e);
    }
  }

  private static void requireCertificates(String option, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IOException(option + " " + file + " holds no PEM certificate");
      }
    } catch (CertificateException e) {
      throw new IOException(option + " " + file + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
  }

  /** The Netty provider's reason out of grpc's "no provider" message, else the message. */
  private static String transportReason(String message) {
    String marker = "NettyChannelProvider: ";
    if (message == null) {
      return "the TLS files were refused";
    }
    int start = message.indexOf(marker);
    if (start < 0) {
      return message;
    }
    int end = message.indexOf(';', start);
    return message.substring(start + marker.length(), end < 0 ? message.length() : end);
  }
}
