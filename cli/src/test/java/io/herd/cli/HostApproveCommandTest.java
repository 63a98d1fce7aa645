package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.cli.CliTestSupport.Result;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code host approve}, against {@link FakeController}: the real controller of these tests has
 * no ApproveHost yet, and no host there awaits approval.
 */
class HostApproveCommandTest {
  private FakeController controller;

  @BeforeEach
  void start() throws Exception {
    controller = new FakeController();
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private Result herdctl(String... args) {
    return CliTestSupport.run(new NettyChannelFactory(), Map.of(Herdctl.CONTROLLER_ENV, controller.address()), args);
  }

  @Test
  void approveLetsAHostThatAwaitedApprovalTakeServers() {
    Result before = herdctl("host", "show", "hv-7");

    Result approved = herdctl("host", "approve", "hv-7");

    assertThat(before.out())
        .containsPattern("status: +unapproved\n")
        .containsPattern("approved: +no \\(awaiting herdctl host approve hv-7\\)\n");
    assertThat(approved.exitCode()).as(approved.err()).isEqualTo(ExitCodes.OK);
    assertThat(approved.out()).isEqualTo("approved host hv-7\n");
    assertThat(herdctl("host", "show", "hv-7").out())
        .containsPattern("status: +up\n")
        .containsPattern("takes new servers: +yes\n")
        .doesNotContain("approved:");
  }

  @Test
  void approveAsJsonPrintsTheHost() throws Exception {
    Result result = herdctl("host", "approve", "hv-7", "-o", "json");

    JsonNode host = new ObjectMapper().readTree(result.out());
    assertThat(host.get("name").asText()).isEqualTo("hv-7");
    assertThat(host.get("approved").asBoolean()).isTrue();
  }

  @Test
  void approvingAnApprovedHostChangesNothing() {
    Result result = herdctl("host", "approve", "hv-1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEqualTo("approved host hv-1\n");
    assertThat(herdctl("host", "show", "hv-1").out()).containsPattern("status: +up\n");
  }

  @Test
  void approveOfAMissingHostIsNotFound() {
    Result result = herdctl("host", "approve", "hv-9");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).isEqualTo("herdctl: not found: id: no host with id or name 'hv-9'\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void approveNeedsAHost() {
    Result result = herdctl("host", "approve");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Missing required parameter: 'HOST'");
    assertThat(controller.authorizations()).isEmpty();
  }
}
