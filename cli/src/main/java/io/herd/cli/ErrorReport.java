package io.herd.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Turns a failed call into the one line herdctl prints on stderr. */
final class ErrorReport {
  private ErrorReport() {}

  /** {@code where}: the controller's address, or the addresses of the controllers, as given. */
  static String describe(StatusRuntimeException e, String where, boolean tls) {
    Status status = e.getStatus();
    String description = status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE && !fromServer(e)) {
      // the transport failed on this side: the controller was not reached
      String hint = tls
          ? " (is herd-controller running there, and did --ca sign its certificate?)"
          : " (is herd-controller running there? set --controller or HERD_CONTROLLER;"
              + " if it uses TLS, add --ca FILE)";
      String why = status.getCause() == null && description != null ? description : causeOf(status);
      return "herdctl: cannot reach the controller at " + where + ": " + why + hint;
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "herdctl: the controller at " + where + " did not answer in time"
          + (description != null ? ": " + description : "");
    }
    String words = status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      // The placement explanation is the point of the error: print all of it.
      return "herdctl: " + words + ": " + (description != null ? description : causeOf(status));
    }
    String text = (description != null ? description : causeOf(status)).replace('\n', ' ');
    if (status.getCode() == Status.Code.UNAUTHENTICATED) {
      return "herdctl: " + words + ": " + text + " (pass --cert/--key or --token-file)";
    }
    if (status.getCode() == Status.Code.PERMISSION_DENIED) {
      return "herdctl: " + words + ": " + text + " (your identity's role does not allow this)";
    }
    return "herdctl: " + words + ": " + text;
  }

  /**
   * Whether the controller itself sent the status. A status the server sends arrives with
   * trailers; one made on this side (refused connection, reset, failed handshake) has none.
   */
  private static boolean fromServer(StatusRuntimeException e) {
    return e.getStatus().getCause() == null && e.getTrailers() != null && !e.getTrailers().keys().isEmpty();
  }

  private static String causeOf(Status status) {
    for (Throwable c = status.getCause(); c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        Throwable root = c;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return "TLS handshake failed: " + (root.getMessage() != null ? root.getMessage() : root);
      }
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      String message = cause.getMessage();
      // Netty words a refused connection as "finishConnect(..) failed ...: Connection refused: …".
      return message.contains("Connection refused") ? "connection refused" : message;
    }
    return "no details given";
  }
}
