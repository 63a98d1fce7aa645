package io.herd.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout}: how long a command's {@code --wait} may take. */
final class WaitTimeout {
  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = Durations.Converter.class,
      description = "With --wait: give up after this long (exit 5); 90, 30s, 5m, 1h, a bare number is"
          + " seconds (default: ${DEFAULT-VALUE}).")
  Duration timeout;
}
