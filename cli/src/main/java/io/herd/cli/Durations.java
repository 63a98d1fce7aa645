package io.herd.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads and writes the durations {@code --timeout} takes: {@code 90}, {@code 90s}, {@code 500ms},
 * {@code 5m}, {@code 1h}. A bare number is seconds.
 */
final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");

  private Durations() {}

  /** The duration typed; it must be more than zero. */
  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write a whole number with an optional unit ms, s, m or h"
              + " (a bare number is seconds), e.g. 90, 30s, 5m");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration duration =
        switch (unit) {
          case "ms" -> Duration.ofMillis(number);
          case "m" -> Duration.ofMinutes(number);
          case "h" -> Duration.ofHours(number);
          default -> Duration.ofSeconds(number);
        };
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "': the duration must be more than zero");
    }
    return duration;
  }

  /** {@code 90 s}, or {@code 500 ms} for what is not whole seconds. */
  static String format(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  /** The picocli converter for duration options. */
  static final class Converter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
