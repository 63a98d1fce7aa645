package io.herd.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;

/** Turns a failed call into the one line herdctl prints on stderr. */
final class ErrorReport {
  private ErrorReport() {}

  static String describe(StatusRuntimeException e, ControllerAddress address) {
    Status status = e.getStatus();
    String description = status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
      // A cause means the transport failed on this side: the controller was not reached.
      return "herdctl: cannot reach the controller at " + address + ": " + causeOf(status)
          + " (is herd-controller running? set --controller or HERD_CONTROLLER)";
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "herdctl: the controller at " + address + " did not answer in time"
          + (description != null ? ": " + description : "");
    }
    String words = status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      // The placement explanation is the point of the error: print all of it.
      return "herdctl: " + words + ": " + (description != null ? description : causeOf(status));
    }
    String text = description != null ? description : causeOf(status);
    return "herdctl: " + words + ": " + text.replace('\n', ' ');
  }

  private static String causeOf(Status status) {
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
