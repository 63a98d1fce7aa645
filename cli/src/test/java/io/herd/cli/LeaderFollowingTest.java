package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.herd.api.v1.Server;
import io.herd.cli.CliTestSupport.Result;
import io.herd.runtime.grpc.Leadership;
import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** herdctl with several controllers: standbys that name the leader, addresses nobody serves. */
class LeaderFollowingTest {
  private final List<FakeController> controllers = new ArrayList<>();

  @AfterEach
  void stop() {
    controllers.forEach(FakeController::close);
  }

  private FakeController leader() throws IOException {
    FakeController c = new FakeController();
    controllers.add(c);
    return c;
  }

  private FakeController standby(Optional<FakeController> leader) throws IOException {
    FakeController c = leader();
    c.refuseWith = Status.UNAVAILABLE.withDescription("this controller is a standby");
    c.refusalTrailers = Leadership.trailers(leader.map(FakeController::address));
    return c;
  }

  private static String nobody() {
    return "127.0.0.1:" + Ports.free();
  }

  private static Result herdctl(String controllers, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Herdctl herdctl = new Herdctl(new NettyChannelFactory(), Map.of(Herdctl.CONTROLLER_ENV, controllers))
        .patience(Duration.ofSeconds(2));
    CommandLine commandLine = Herdctl.commandLine(herdctl);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  @Test
  void aStandbyFirstInTheListSendsTheCallToTheLeaderItNames() throws Exception {
    FakeController leader = leader();
    FakeController standby = standby(Optional.of(leader));

    Result result = herdctl(standby.address(), "host", "show", "hv-1");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).contains("hv-1");
    assertThat(standby.authorizations()).hasSize(1);
    assertThat(leader.authorizations()).hasSize(1);
  }

  @Test
  void aCallThatChangesStateFollowsARedirectTooTheStandbyDidNothing() throws Exception {
    FakeController leader = leader();
    FakeController standby = standby(Optional.of(leader));

    Result result = herdctl(standby.address() + "," + leader.address(), "host", "approve", "hv-7");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).contains("hv-7");
    assertThat(leader.authorizations()).hasSize(1);
  }

  @Test
  void aDeadFirstAddressIsPassedOverAndACreateCarriesARequestIdOfItsOwn() throws Exception {
    FakeController leader = leader();

    Result result = herdctl(nobody() + "," + leader.address(), "server", "create", "app");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(leader.created()).extracting(Server::getName).containsExactly("app");
    String requestId = leader.created().get(0).getRequestId();
    assertThat(UUID.fromString(requestId).toString()).isEqualTo(requestId);
    assertThat(result.err()).doesNotContain("was used before");
  }

  @Test
  void aStandbyThatKnowsNoLeaderYetIsPassedOverForReadsAndChangesAlikeItDidNothing() throws Exception {
    FakeController leader = leader();
    FakeController electing = standby(Optional.empty());
    String list = electing.address() + "," + leader.address();

    Result read = herdctl(list, "host", "show", "hv-7");
    assertThat(read.exitCode()).as(read.err()).isEqualTo(ExitCodes.OK);

    Result approve = herdctl(list, "host", "approve", "hv-7");
    assertThat(approve.exitCode()).as(approve.err()).isEqualTo(ExitCodes.OK);
    assertThat(leader.authorizations()).hasSize(2);
  }

  @Test
  void whenNoControllerAnswersHerdctlGivesUpNamingTheAddressesItTried() throws Exception {
    String first = nobody();
    FakeController electing = standby(Optional.empty());
    Metadata none = new Metadata();
    electing.refusalTrailers = none;

    Result result = herdctl(first + "," + electing.address(), "server", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(result.err()).contains("cannot reach the controller at " + first + ", " + electing.address(),
        "no controller answered as the leader (tried " + first + ", " + electing.address() + ")");
    assertThat(electing.authorizations().size()).isGreaterThan(1);
  }

  @Test
  void aBadAddressInTheListIsAUsageErrorNamingItsSource() {
    Result result = herdctl("127.0.0.1:7700,nohostport", "server", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("bad " + Herdctl.CONTROLLER_ENV, "nohostport");
  }
}
