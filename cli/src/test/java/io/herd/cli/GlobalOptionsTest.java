package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalOptionsTest extends CliTestSupport {
  /** Only the controller: what these tests check happens before any host matters. */
  @Override
  List<RealCluster.HostShape> hosts() {
    return List.of();
  }

  @Test
  void controllerDefaultsToLoopback() {
    herdctlRedirected(Map.of(), "host", "list");

    assertThat(lastSettings.get().address()).isEqualTo(new ControllerAddress("127.0.0.1", 7700));
    assertThat(lastSettings.get().tls()).isFalse();
  }

  @Test
  void controllerComesFromTheEnvironmentWhenNoFlagIsGiven() {
    herdctlRedirected(Map.of(Herdctl.CONTROLLER_ENV, "ctl.example:7900"), "host", "list");

    assertThat(lastSettings.get().address()).isEqualTo(new ControllerAddress("ctl.example", 7900));
  }

  @Test
  void flagBeatsTheEnvironmentAndWorksAfterTheSubcommand() {
    Result result = herdctlRedirected(Map.of(Herdctl.CONTROLLER_ENV, "ctl.example:7900"),
        "host", "list", "--controller", "[::1]:7701", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(lastSettings.get().address()).isEqualTo(new ControllerAddress("::1", 7701));
    assertThat(result.out()).startsWith("{").contains("\"hosts\"");
  }

  @Test
  void badControllerAddressIsAUsageErrorNamingItsSource() {
    Result flag = herdctl("--controller", "nohost", "host", "list");
    Result env = herdctlWithEnv(Map.of(Herdctl.CONTROLLER_ENV, "ctl:seventy"), "host", "list");

    assertThat(flag.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(flag.err().strip()).isEqualTo("herdctl: bad --controller: 'nohost' is not host:port (e.g. 127.0.0.1:7700)");
    assertThat(env.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(env.err()).contains("bad HERD_CONTROLLER: 'ctl:seventy' has no numeric port");
  }

  @Test
  void tlsFilesImplyTlsAndArePassedOn(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");

    herdctlRedirected(Map.of(), "--ca", ca.toString(), "--cert", cert.toString(), "--key", key.toString(),
        "host", "list");

    ConnectionSettings settings = lastSettings.get();
    assertThat(settings.tls()).isTrue();
    assertThat(settings.caFile()).isEqualTo(ca);
    assertThat(settings.certFile()).isEqualTo(cert);
    assertThat(settings.keyFile()).isEqualTo(key);
  }

  @Test
  void certWithoutKeyIsAUsageError(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");

    Result result = herdctl("host", "list", "--cert", cert.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--cert and --key go together");
  }

  @Test
  void missingCaFileIsAUsageErrorNamingTheOption(@TempDir Path dir) {
    Result result = herdctl("host", "list", "--ca", dir.resolve("absent.pem").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--ca").contains("absent.pem: no such readable file");
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result result = herdctl("server", "reboot");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Unmatched argument at index 1: 'reboot'");
  }

  @Test
  void versionAndHelpNeedNoController() {
    Result version = herdctl("--version");
    Result help = herdctl("--help");

    assertThat(version.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(version.out().strip()).matches("herdctl \\d+\\.\\d+\\.\\d+.*");
    assertThat(help.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(help.out()).contains("group", "server", "flavor", "host", "completion", "Exit codes:",
        "HERD_CONTROLLER");
    assertThat(lastSettings.get()).isNull();
  }

  @Test
  void everyCommandPrintsTheVersion() {
    String version = herdctl("--version").out();

    for (String[] command : List.of(new String[] {"server", "-V"}, new String[] {"server", "list", "--version"},
        new String[] {"host", "cordon", "-V"}, new String[] {"completion", "-V"})) {
      Result result = herdctl(command);
      assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
      assertThat(result.out()).as(String.join(" ", command)).isEqualTo(version);
    }
    assertThat(lastSettings.get()).isNull();
  }

  @Test
  void completionPrintsABashScriptKnowingEveryCommand() {
    Result result = herdctl("completion");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("complete -F _complete_herdctl")
        .contains("cordon", "uncordon", "watch", "--request-id", "--max-per-domain")
        .contains("migrate", "drain", "evacuate", "--on-host-failure", "--timeout", "--to")
        .contains("approve", "--token-file")
        .contains("flavor", "--flavor", "--property", "--id")
        .contains("(\"affinity\" \"anti-affinity\" \"soft-affinity\" \"soft-anti-affinity\")")
        .contains("(\"building\" \"active\" \"error\" \"deleting\" \"unknown\")")
        .contains("(\"none\" \"evacuate\")")
        .doesNotContain("UNRECOGNIZED", "UNSPECIFIED", "stopped");
  }

  @Test
  void helpOfTheMovingCommandsSaysWhatTheyDoAndListsTheirOptions() {
    Map<String, List<String>> expected = Map.of(
        "server delete", List.of("in any state, BUILDING included (DeleteServer)", "--wait", "--timeout=DURATION",
            "--force"),
        "server migrate", List.of("(MigrateServer)", "cold migration", "--to=HOST", "--wait", "--timeout=DURATION"),
        "host drain", List.of("(DrainHost)", "--reason=TEXT", "--wait", "--timeout=DURATION", "exit 8"),
        "host evacuate", List.of("(EvacuateHost)", "Only for a DOWN host", "--wait", "--timeout=DURATION"),
        "group create", List.of("--on-host-failure=ACTION", "none (they wait for the operator)",
            "evacuate (after the controller's grace period"));
    expected.forEach((command, texts) -> {
      List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
      args.add("--help");
      Result help = herdctl(args.toArray(String[]::new));
      assertThat(help.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(help.out().replaceAll("\\s+", " ")).as(command).contains(texts);
    });
    assertThat(herdctl("--help").out().replaceAll("\\s+", " ")).contains("8 host drain or evacuate left servers where they were");
    assertThat(lastSettings.get()).isNull();
  }
}
