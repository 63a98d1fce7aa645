package io.herd.cli;

import io.grpc.Status;

/**
 * herdctl's exit codes. Scripts rely on them: they are part of herdctl's interface and are
 * listed in {@code herdctl --help} and docs/herdctl.md.
 */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** Anything not listed below (an internal error of the controller, for example). */
  public static final int OTHER = 1;
  /** The command line was wrong, or the controller refused an argument (INVALID_ARGUMENT). */
  public static final int USAGE = 2;
  /** The named group, server, flavor or host does not exist (NOT_FOUND). */
  public static final int NOT_FOUND = 3;
  /** No valid host for the request, or a quota is reached (RESOURCE_EXHAUSTED). */
  public static final int NO_VALID_HOST = 4;
  /** The controller could not be reached or did not answer in time. */
  public static final int UNAVAILABLE = 5;
  /** The request conflicts with the current state (ALREADY_EXISTS, FAILED_PRECONDITION). */
  public static final int CONFLICT = 6;
  /** {@code --wait} ended with at least one server in ERROR (or deleted meanwhile). */
  public static final int SERVER_ERROR = 7;
  /** {@code host drain} or {@code host evacuate} left servers where they were (each listed with why). */
  public static final int LEFT_IN_PLACE = 8;
  /** No credentials, or credentials the controller does not accept (UNAUTHENTICATED). */
  public static final int UNAUTHENTICATED = 9;
  /** The caller's role does not allow the call (PERMISSION_DENIED). */
  public static final int PERMISSION_DENIED = 10;

  private ExitCodes() {}

  /** The exit code for a failed call that ended with {@code code}. */
  public static int of(Status.Code code) {
    switch (code) {
      case OK:
        return OK;
      case INVALID_ARGUMENT:
      case OUT_OF_RANGE:
        return USAGE;
      case NOT_FOUND:
        return NOT_FOUND;
      case RESOURCE_EXHAUSTED:
        return NO_VALID_HOST;
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
        return UNAVAILABLE;
      case ALREADY_EXISTS:
      case FAILED_PRECONDITION:
      case ABORTED:
        return CONFLICT;
      case UNAUTHENTICATED:
        return UNAUTHENTICATED;
      case PERMISSION_DENIED:
        return PERMISSION_DENIED;
      default:
        return OTHER;
    }
  }
}
