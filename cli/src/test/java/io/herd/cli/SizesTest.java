package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
  @ParameterizedTest
  @CsvSource({
    "512, 512", "512M, 512", "512m, 512", "512MiB, 512", "512MB, 512", "512Mi, 512",
    "4G, 4096", "4GiB, 4096", "1.5G, 1536", "0.5g, 512", "1T, 1048576", "2048K, 2", "' 8G ', 8192"
  })
  void memoryInMib(String text, long mib) {
    assertThat(Sizes.parseMib(text)).isEqualTo(mib);
  }

  @ParameterizedTest
  @CsvSource({"20, 20", "20G, 20", "20GiB, 20", "1T, 1024", "1.5T, 1536", "2048M, 2", "0, 0"})
  void diskInGib(String text, long gib) {
    assertThat(Sizes.parseGib(text)).isEqualTo(gib);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "G", "-1G", "4X", "4 GB B", "1e3", "four"})
  void nonsenseIsRefusedWithAnExample(String text) {
    assertThatThrownBy(() -> Sizes.parseMib(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.strip().isEmpty() ? "is not a size" : text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5M", "100K", "1.0001G"})
  void fractionsOfTheUnitAreRefused(String text) {
    assertThatThrownBy(() -> Sizes.parseMib(text)).hasMessageContaining("not a whole number of MiB");
  }

  @ParameterizedTest
  @CsvSource({"512, 512M", "1024, 1G", "1536, 1.5G", "4096, 4G", "1048576, 1T", "0, 0M"})
  void formattingMib(long mib, String text) {
    assertThat(Sizes.formatMib(mib)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"0, 0G", "20, 20G", "1024, 1T", "1536, 1.5T"})
  void formattingGib(long gib, String text) {
    assertThat(Sizes.formatGib(gib)).isEqualTo(text);
  }
}
