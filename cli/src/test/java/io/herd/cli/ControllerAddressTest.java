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

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:7700", "127.3.4.5:7700", "localhost:7700", "LOCALHOST:1", "[::1]:7700"})
  void loopbackAddressesAreLoopback(String text) {
    assertThat(ControllerAddress.parse(text).isLoopback()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1:7700", "ctl.example:7700", "localhost.example:7700", "[fd00::1]:7700",
      "0.0.0.0:7700", "127.0.0.1.example:7700"})
  void otherAddressesAndNamesAreNot(String text) {
    assertThat(ControllerAddress.parse(text).isLoopback()).isFalse();
  }

  @Test
  void anAuthorityThatIsNoHostPortIsNotLoopback() {
    assertThat(ControllerAddress.isLoopbackAuthority("127.0.0.1:7700")).isTrue();
    assertThat(ControllerAddress.isLoopbackAuthority("127.0.0.1")).isFalse();
    assertThat(ControllerAddress.isLoopbackAuthority(null)).isFalse();
  }
}
