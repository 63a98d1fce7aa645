package io.herd.cli;

import io.herd.api.v1.Acceleration;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import java.time.Instant;
import java.util.Locale;

/** Short names of enum values and timestamps for tables and details. */
final class Names {
  private Names() {}

  static String state(ServerState state) {
    return strip(state.name(), "SERVER_STATE_");
  }

  static String acceleration(Acceleration acceleration) {
    return strip(acceleration.name(), "ACCELERATION_");
  }

  /** anti-affinity, soft-affinity, … as typed on the command line. */
  static String policy(Policy policy) {
    return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String scope(Scope scope) {
    return scope == Scope.SCOPE_UNSPECIFIED ? "host" : scope.name().toLowerCase(Locale.ROOT);
  }

  /** none or evacuate, as typed on the command line; "-" when unspecified. */
  static String onHostFailure(OnHostFailure onHostFailure) {
    return typed(strip(onHostFailure.name(), "ON_HOST_FAILURE_"));
  }

  /** placed, launch-retried, evacuated, migrated, fenced. */
  static String historyEvent(ServerHistoryEntry.Event event) {
    return typed(strip(event.name(), "EVENT_"));
  }

  static String time(com.google.protobuf.Timestamp timestamp) {
    if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
      return "-";
    }
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
  }

  static String orDash(String text) {
    return text == null || text.isEmpty() ? "-" : text;
  }

  private static String typed(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String strip(String name, String prefix) {
    if (name.endsWith("UNSPECIFIED")) {
      return "-";
    }
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }
}
