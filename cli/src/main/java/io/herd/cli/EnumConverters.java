package io.herd.cli;

import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerState;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads enum options the way people type them: {@code anti-affinity}, {@code rack}, {@code active},
 * {@code evacuate}.
 */
final class EnumConverters {
  private EnumConverters() {}

  private static <E extends Enum<E>> E read(Class<E> type, String prefix, String text) {
    return read(type, prefix, text, value -> true);
  }

  /** The value typed, among those {@code offered}; anything else names the offered ones. */
  private static <E extends Enum<E>> E read(Class<E> type, String prefix, String text, Predicate<E> offered) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E value : values(type, offered)) {
      if (value.name().equals(wanted) || value.name().equals(prefix + wanted)) {
        return value;
      }
    }
    throw new TypeConversionException("'" + text + "' is not one of " + choices(type, prefix, offered));
  }

  private static <E extends Enum<E>> String choices(Class<E> type, String prefix, Predicate<E> offered) {
    return values(type, offered).stream()
        .map(Enum::name)
        .map(name -> name.substring(name.startsWith(prefix) ? prefix.length() : 0))
        .map(name -> name.toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", "));
  }

  /** The enum's values but the proto's UNSPECIFIED and UNRECOGNIZED, and only those offered. */
  private static <E extends Enum<E>> List<E> values(Class<E> type, Predicate<E> offered) {
    return Arrays.stream(type.getEnumConstants())
        .filter(value -> !value.name().endsWith("UNSPECIFIED") && !value.name().equals("UNRECOGNIZED"))
        .filter(offered)
        .toList();
  }

  /**
   * The states a server can be in at the controller, which ListServers filters by. STOPPED is
   * only an agent's view of a domain (a server whose domain stopped is ERROR): ListServers
   * refuses it.
   */
  static boolean listable(ServerState state) {
    return state != ServerState.SERVER_STATE_STOPPED;
  }

  /** The values as typed, for help and shell completion. */
  private static <E extends Enum<E>> List<String> typed(Class<E> type, String prefix, Predicate<E> offered) {
    return List.of(choices(type, prefix, offered).split(", "));
  }

  static final class PolicyCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(Policy.class, "", value -> true).iterator();
    }
  }

  static final class ScopeCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(Scope.class, "", value -> true).iterator();
    }
  }

  static final class OnHostFailureCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(OnHostFailure.class, "ON_HOST_FAILURE_", value -> true).iterator();
    }
  }

  /** The states {@code server list --state} takes: those ListServers filters by. */
  static final class StateCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(ServerState.class, "SERVER_STATE_", EnumConverters::listable).iterator();
    }
  }

  static final class PolicyConverter implements ITypeConverter<Policy> {
    @Override
    public Policy convert(String value) {
      return read(Policy.class, "", value);
    }
  }

  static final class ScopeConverter implements ITypeConverter<Scope> {
    @Override
    public Scope convert(String value) {
      return read(Scope.class, "", value);
    }
  }

  static final class OnHostFailureConverter implements ITypeConverter<OnHostFailure> {
    @Override
    public OnHostFailure convert(String value) {
      return read(OnHostFailure.class, "ON_HOST_FAILURE_", value);
    }
  }

  static final class StateConverter implements ITypeConverter<ServerState> {
    @Override
    public ServerState convert(String value) {
      return read(ServerState.class, "SERVER_STATE_", value, EnumConverters::listable);
    }
  }
}
