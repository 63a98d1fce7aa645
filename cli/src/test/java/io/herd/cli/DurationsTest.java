package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void aBareNumberIsSecondsAndUnitsAreMillisecondsSecondsMinutesHours() {
    assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse(" 2 H ")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void zeroAndWhatIsNotADurationAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Durations.parse("0")).hasMessageContaining("must be more than zero");
    assertThatThrownBy(() -> Durations.parse("1.5m")).hasMessageContaining("'1.5m' is not a duration");
    assertThatThrownBy(() -> Durations.parse("5d")).hasMessageContaining("ms, s, m or h");
    assertThatThrownBy(() -> Durations.parse("-1")).hasMessageContaining("is not a duration");
  }

  @Test
  void formatIsSecondsUnlessThereAreMilliseconds() {
    assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("600 s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
  }
}
