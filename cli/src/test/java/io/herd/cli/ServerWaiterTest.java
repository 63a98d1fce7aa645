package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server create --wait} when the controller ends the watch before the servers settle. */
class ServerWaiterTest {
  @Test
  void aWatchTheControllerEndsIsOpenedAgainUntilEveryServerSettles() throws Exception {
    try (FakeController controller = new FakeController()) {
      CliTestSupport.Result result = CliTestSupport.run(new NettyChannelFactory(), Map.of(),
          "--controller", controller.address(), "server", "create", "app", "--count", "2", "--wait");

      assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
      assertThat(controller.watchesOpened()).isEqualTo(2);
      assertThat(result.err())
          .contains("server app-1 is BUILDING on hv-1 (0 of 2 settled)")
          .contains("server app-2 is ACTIVE on hv-1 (2 of 2 settled)");
    }
  }

  @Test
  void aControllerThatKeepsEndingTheWatchIsGivenUpOn() throws Exception {
    try (FakeController controller = new FakeController()) {
      controller.launchesFinish = false;

      CliTestSupport.Result result = CliTestSupport.run(new NettyChannelFactory(), Map.of(),
          "--controller", controller.address(), "server", "create", "stuck", "--wait");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(controller.watchesOpened()).isEqualTo(ServerWaiter.MAX_REOPENS + 1);
      assertThat(result.err()).endsWith("herdctl: the controller kept ending the watch before every server "
          + "settled; still waiting for stuck (BUILDING)\n");
    }
  }
}
