package io.herd.cli;

import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerState;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads enum options the way people type them: {@code anti-affinity}, {@code rack}, {@code active}. */
final class EnumConverters {
  private EnumConverters() {}

  private static <E extends Enum<E>> E read(Class<E> type, String prefix, String text) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E value : type.getEnumConstants()) {
      String name = value.name();
      if (name.endsWith("UNSPECIFIED") || name.equals("UNRECOGNIZED")) {
        continue;
      }
      if (name.equals(wanted) || name.equals(prefix + wanted)) {
        return value;
      }
    }
    throw new TypeConversionException("'" + text + "' is not one of " + choices(type, prefix));
  }

  static <E extends Enum<E>> String choices(Class<E> type, String prefix) {
    return Arrays.stream(type.getEnumConstants())
        .map(Enum::name)
        .filter(name -> !name.endsWith("UNSPECIFIED") && !name.equals("UNRECOGNIZED"))
        .map(name -> name.substring(name.startsWith(prefix) ? prefix.length() : 0))
        .map(name -> name.toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", "));
  }

  /** The values as typed, for help and shell completion. */
  private static <E extends Enum<E>> List<String> typed(Class<E> type, String prefix) {
    return List.of(choices(type, prefix).split(", "));
  }

  static final class PolicyCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(Policy.class, "").iterator();
    }
  }

  static final class ScopeCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(Scope.class, "").iterator();
    }
  }

  static final class StateCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return typed(ServerState.class, "SERVER_STATE_").iterator();
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

  static final class StateConverter implements ITypeConverter<ServerState> {
    @Override
    public ServerState convert(String value) {
      return read(ServerState.class, "SERVER_STATE_", value);
    }
  }
}
