package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControllerAddressTest {
  @Test
  void readsHostPortAndBracketedIpv6() {
    assertThat(ControllerAddress.parse("ctl.example:7700")).isEqualTo(new ControllerAddress("ctl.example", 7700));
    assertThat(ControllerAddress.parse("[fd00::1]:7700")).isEqualTo(new ControllerAddress("fd00::1", 7700));
    assertThat(new ControllerAddress("fd00::1", 7700)).hasToString("[fd00::1]:7700");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ctl", ":7700", "ctl:", "ctl:0", "ctl:70000", "fd00::1:7700", "ctl:x"})
  void refusesWhatIsNotHostPort(String text) {
    assertThatThrownBy(() -> ControllerAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
