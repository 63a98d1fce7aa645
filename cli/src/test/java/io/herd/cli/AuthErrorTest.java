package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.herd.cli.CliTestSupport.Result;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The controller refusing the caller: no or unknown credentials, or a role that may not. */
class AuthErrorTest {
  private static Result herdctl(FakeController controller, String... args) {
    return CliTestSupport.run(new NettyChannelFactory(), Map.of(Herdctl.CONTROLLER_ENV, controller.address()), args);
  }

  @Test
  void unauthenticatedIsExitNineWithTheControllersReasonAndWhatToPass() throws Exception {
    try (FakeController controller = new FakeController()) {
      controller.refuseWith = Status.UNAUTHENTICATED.withDescription("herd.v1.HostService/GetHost needs a client"
          + " certificate signed by herd's CA, or a bearer token (metadata authorization: Bearer TOKEN)");

      Result result = herdctl(controller, "host", "show", "hv-1");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAUTHENTICATED);
      assertThat(result.err()).isEqualTo("herdctl: unauthenticated: herd.v1.HostService/GetHost needs a client"
          + " certificate signed by herd's CA, or a bearer token (metadata authorization: Bearer TOKEN)"
          + " (pass --cert/--key or --token-file)\n");
      assertThat(result.out()).isEmpty();
    }
  }

  @Test
  void permissionDeniedIsExitTenWithTheControllersReasonAndWhy() throws Exception {
    try (FakeController controller = new FakeController()) {
      controller.refuseWith = Status.PERMISSION_DENIED
          .withDescription("token bob (viewer) may not call herd.v1.HostService/ApproveHost: it needs the admin role");

      Result result = herdctl(controller, "host", "approve", "hv-7");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.PERMISSION_DENIED);
      assertThat(result.err()).isEqualTo("herdctl: permission denied: token bob (viewer) may not call"
          + " herd.v1.HostService/ApproveHost: it needs the admin role (your identity's role does not allow this)\n");
      assertThat(herdctl(controller, "host", "show", "hv-7").exitCode()).isEqualTo(ExitCodes.PERMISSION_DENIED);
      controller.refuseWith = null;
      assertThat(herdctl(controller, "host", "show", "hv-7").out()).containsPattern("status: +unapproved\n");
    }
  }

  @Test
  void helpListsTheAuthExitCodes() {
    Result help = CliTestSupport.run(settings -> {
      throw new AssertionError("--help opens no channel");
    }, Map.of(), "--help");

    assertThat(help.out().replaceAll("\\s+", " "))
        .contains("9 no credentials, or credentials the controller does not accept (UNAUTHENTICATED)")
        .contains("10 your identity's role does not allow this call (PERMISSION_DENIED)")
        .contains("HERD_TOKEN_FILE the bearer token file when --token-file is not given")
        .contains("--token-file=FILE");
  }
}
