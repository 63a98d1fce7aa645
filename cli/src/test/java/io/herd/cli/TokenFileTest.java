package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.herd.cli.CliTestSupport.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --token-file} and {@code HERD_TOKEN_FILE}: what reaches the controller, and what is refused. */
class TokenFileTest {
  @TempDir Path dir;

  private FakeController controller;

  /** The settings of the last run that opened a channel. */
  private final AtomicReference<ConnectionSettings> opened = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    controller = new FakeController();
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private Path tokenFile(String name, String text, String mode) throws IOException {
    Path file = Files.writeString(dir.resolve(name), text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  /** herdctl against the fake controller, with $HERD_CONTROLLER naming it and more environment. */
  private Result herdctl(Map<String, String> environment, String... args) {
    Map<String, String> all = new LinkedHashMap<>(Map.of(Herdctl.CONTROLLER_ENV, controller.address()));
    all.putAll(environment);
    return CliTestSupport.run(settings -> {
      opened.set(settings);
      return new NettyChannelFactory().open(settings);
    }, all, args);
  }

  @Test
  void everyCallCarriesTheTokenAsABearerAuthorization() throws Exception {
    Path token = tokenFile("token", "  s3cret-Token_1  \nsecond line is ignored\n", "rw-------");

    Result shown = herdctl(Map.of(), "--token-file", token.toString(), "host", "show", "hv-1");
    Result approved = herdctl(Map.of(), "host", "approve", "hv-7", "--token-file", token.toString());

    assertThat(shown.exitCode()).as(shown.err()).isEqualTo(ExitCodes.OK);
    assertThat(approved.exitCode()).as(approved.err()).isEqualTo(ExitCodes.OK);
    assertThat(controller.authorizations()).containsExactly("Bearer s3cret-Token_1", "Bearer s3cret-Token_1");
    assertThat(opened.get().tokenFile()).isEqualTo(token);
  }

  @Test
  void withoutATokenFileNoAuthorizationIsSent() {
    Result result = herdctl(Map.of(), "host", "show", "hv-1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(controller.authorizations()).containsExactly("");
    assertThat(opened.get().tokenFile()).isNull();
  }

  @Test
  void theEnvironmentNamesTheFileAndTheFlagWins() throws Exception {
    Path fromEnv = tokenFile("env-token", "from-env\n", "rw-------");
    Path fromFlag = tokenFile("flag-token", "from-flag\n", "r--------");

    herdctl(Map.of(Herdctl.TOKEN_FILE_ENV, fromEnv.toString()), "host", "show", "hv-1");
    herdctl(Map.of(Herdctl.TOKEN_FILE_ENV, fromEnv.toString()), "host", "show", "hv-1",
        "--token-file", fromFlag.toString());
    herdctl(Map.of(Herdctl.TOKEN_FILE_ENV, " "), "host", "show", "hv-1");

    assertThat(controller.authorizations()).containsExactly("Bearer from-env", "Bearer from-flag", "");
  }

  @Test
  void aFileOthersMayReadIsRefusedAndNothingIsSent() throws Exception {
    Path groupReadable = tokenFile("token", "s3cret\n", "rw-r-----");
    Path worldReadable = tokenFile("token-env", "s3cret\n", "rw-r--r--");

    Result flag = herdctl(Map.of(), "--token-file", groupReadable.toString(), "host", "show", "hv-1");
    Result env = herdctl(Map.of(Herdctl.TOKEN_FILE_ENV, worldReadable.toString()), "host", "show", "hv-1");

    assertThat(flag.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(flag.err()).isEqualTo("herdctl: --token-file " + groupReadable + " may be read by others (rw-r-----);"
        + " a token is a credential: chmod 600 " + groupReadable + "\n");
    assertThat(env.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(env.err()).startsWith("herdctl: HERD_TOKEN_FILE " + worldReadable + " may be read by others");
    assertThat(opened.get()).isNull();
    assertThat(controller.authorizations()).isEmpty();
  }

  @Test
  void anEmptyOrMissingFileOrAnUnsendableTokenIsAUsageError() throws Exception {
    Path empty = tokenFile("empty", "", "rw-------");
    Path blank = tokenFile("blank", "   \nlater\n", "rw-------");
    Path spaced = tokenFile("spaced", "two words\n", "rw-------");

    Result emptyRun = herdctl(Map.of(), "--token-file", empty.toString(), "host", "show", "hv-1");
    Result blankRun = herdctl(Map.of(), "--token-file", blank.toString(), "host", "show", "hv-1");
    Result spacedRun = herdctl(Map.of(), "--token-file", spaced.toString(), "host", "show", "hv-1");
    Result missing = herdctl(Map.of(), "--token-file", dir.resolve("absent").toString(), "host", "show", "hv-1");

    assertThat(emptyRun.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(emptyRun.err()).isEqualTo("herdctl: --token-file " + empty + ": the first line holds no token\n");
    assertThat(blankRun.err()).isEqualTo("herdctl: --token-file " + blank + ": the first line holds no token\n");
    assertThat(spacedRun.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(spacedRun.err()).contains("only visible ASCII characters, without spaces");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("--token-file").contains("absent: no such readable file");
    assertThat(opened.get()).isNull();
    assertThat(controller.authorizations()).isEmpty();
  }

  @Test
  void aTokenIsNotSentInTheClearToAnotherMachine() throws Exception {
    Path token = tokenFile("token", "s3cret\n", "rw-------");

    Result remote = herdctl(Map.of(), "--controller", "ctl.example:7700", "--token-file", token.toString(),
        "host", "show", "hv-1");
    Result env = herdctl(Map.of(Herdctl.CONTROLLER_ENV, "10.1.2.3:7700", Herdctl.TOKEN_FILE_ENV, token.toString()),
        "host", "show", "hv-1");

    assertThat(remote.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(remote.err()).isEqualTo("herdctl: refusing to send the token of --token-file in the clear to"
        + " ctl.example:7700: use TLS (--tls or --ca FILE); without TLS a token goes only to a loopback address\n");
    assertThat(env.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(env.err()).startsWith("herdctl: refusing to send the token of HERD_TOKEN_FILE in the clear to 10.1.2.3:7700");
    assertThat(opened.get()).isNull();
  }

  @Test
  void overTlsOrToLoopbackTheTokenIsPassedOn() throws Exception {
    Path token = tokenFile("token", "s3cret\n", "rw-------");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");

    CliTestSupport.run(settings -> {
      opened.set(settings);
      throw new IOException("not connecting in this test");
    }, Map.of(), "--controller", "ctl.example:7700", "--ca", ca.toString(), "--token-file", token.toString(),
        "host", "list");
    ConnectionSettings tls = opened.getAndSet(null);
    herdctl(Map.of(), "--controller", "localhost:" + controller.address().split(":")[1],
        "--token-file", token.toString(), "host", "show", "hv-1");

    assertThat(tls.tls()).isTrue();
    assertThat(tls.tokenFile()).isEqualTo(token);
    assertThat(opened.get().tokenFile()).isEqualTo(token);
    assertThat(controller.authorizations()).containsExactly("Bearer s3cret");
  }

  /** Whatever channel herdctl is handed, the token goes over plaintext only to a loopback address. */
  @Test
  void aPlaintextChannelToAnotherMachineGetsNoToken() throws Exception {
    Path token = tokenFile("token", "s3cret\n", "rw-------");
    String fake = controller.address();

    Result result = CliTestSupport.run(settings -> plaintextClaimingToBe(fake, "ctl.example:7700"), Map.of(),
        "--controller", "ctl.example:7700", "--tls", "--token-file", token.toString(), "host", "show", "hv-1");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OTHER);
    assertThat(result.err())
        .isEqualTo("herdctl: internal: not sending the token over a plaintext connection to ctl.example:7700\n");
    assertThat(controller.authorizations()).isEmpty();
  }

  private static ManagedChannel plaintextClaimingToBe(String target, String authority) {
    return NettyChannelBuilder.forTarget(target).overrideAuthority(authority).usePlaintext().build();
  }
}
