package io.herd.cli;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The bearer token of {@code --token-file}, sent with every call as {@code authorization: Bearer
 * TOKEN}. It is a credential: the file must be readable by its owner only, and the token goes
 * only over TLS or to a loopback address.
 */
final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;

  private BearerToken(String token) {
    this.token = token;
  }

  /**
   * The token in the first line of {@code file}, trimmed. {@code source} names where the file
   * came from ({@code --token-file} or the environment variable) in the usage errors.
   */
  static BearerToken read(String source, Path file) {
    refuseOpenPermissions(source, file);
    String line;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      line = reader.readLine();
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, source + " " + file + ": cannot read it: " + e.getMessage());
    }
    String token = line == null ? "" : line.strip();
    if (token.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, source + " " + file + ": the first line holds no token");
    }
    // a header value is visible ASCII; a space would split "Bearer TOKEN" at the controller
    if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new CliException(ExitCodes.USAGE,
          source + " " + file + ": the token may hold only visible ASCII characters, without spaces");
    }
    return new BearerToken(token);
  }

  /** As ssh does with a private key: a token others may read is refused, not used. */
  private static void refuseOpenPermissions(String source, Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX modes on this file system: nothing to check
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, source + " " + file + ": cannot read it: " + e.getMessage());
    }
    if (permissions.contains(PosixFilePermission.GROUP_READ)
        || permissions.contains(PosixFilePermission.OTHERS_READ)) {
      throw new CliException(ExitCodes.USAGE,
          source + " " + file + " may be read by others (" + PosixFilePermissions.toString(permissions)
              + "); a token is a credential: chmod 600 " + file);
    }
  }

  @Override
  public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
    // Herdctl refuses this combination before connecting; this holds for whatever channel is used.
    if (request.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY
        && !ControllerAddress.isLoopbackAuthority(request.getAuthority())) {
      applier.fail(Status.INTERNAL.withDescription(
          "not sending the token over a plaintext connection to " + request.getAuthority()));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
