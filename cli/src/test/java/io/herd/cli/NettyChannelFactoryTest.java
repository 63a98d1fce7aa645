package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** herdctl's real TCP channel: refused connections, and TLS against the real controller serving TLS. */
class NettyChannelFactoryTest {
  private static CliTestSupport.Result run(String... args) {
    return CliTestSupport.run(new NettyChannelFactory(), Map.of(), args);
  }

  @Test
  void closedPortIsExitFiveSayingWhatToCheck() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    CliTestSupport.Result run = run("--controller", "127.0.0.1:" + port, "server", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err())
        .isEqualTo("herdctl: cannot reach the controller at 127.0.0.1:" + port
            + ": connection refused (is herd-controller running there? set --controller or HERD_CONTROLLER;"
            + " if it uses TLS, add --ca FILE)\n");
  }

  /** Certificates made by scripts/make-certs.sh (each: ROLE NAME [SAN...]), as an operator would make them. */
  private static Path makeCerts(Path dir, List<List<String>> certificates) throws Exception {
    Path script = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();
    // scripts/setup-machine.sh installs openssl: a missing one is a failure, not a skip
    assertThat(Files.isRegularFile(script)).as("scripts/make-certs.sh from %s", Path.of("").toAbsolutePath()).isTrue();
    for (List<String> cert : certificates) {
      List<String> command = new ArrayList<>(List.of("bash", script.toString(), dir.toString()));
      command.addAll(cert);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(output).isZero();
    }
    return dir;
  }

  /** The real controller serving TLS with the certificate make-certs made for it, and one host. */
  private static RealCluster tlsCluster(Path dir, Path certs) throws Exception {
    return RealCluster.start(dir, List.of(RealCluster.THREE_HOSTS.get(0)),
        Map.of("tls.cert_file", certs.resolve("controller.pem").toString(),
            "tls.key_file", certs.resolve("controller.key").toString(),
            "tls.ca_file", certs.resolve("ca.pem").toString()));
  }

  @Test
  void tlsWithTheCaFromMakeCerts(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir.resolve("certs"), List.of(List.of("controller", "controller", "localhost", "127.0.0.1"),
        List.of("viewer", "ops-bob")));
    try (RealCluster cluster = tlsCluster(dir.resolve("cluster"), certs)) {
      String controller = "localhost:" + cluster.address().split(":")[1];

      CliTestSupport.Result trusted = run("--controller", controller, "--ca", certs.resolve("ca.pem").toString(),
          "--cert", certs.resolve("ops-bob.pem").toString(), "--key", certs.resolve("ops-bob.key").toString(),
          "host", "list");
      CliTestSupport.Result anonymous =
          run("--controller", controller, "--ca", certs.resolve("ca.pem").toString(), "host", "list");
      CliTestSupport.Result untrusted = run("--controller", controller, "--tls", "host", "list");
      CliTestSupport.Result plaintext = run("--controller", controller, "host", "list");

      assertThat(trusted.exitCode()).as(trusted.err()).isEqualTo(ExitCodes.OK);
      assertThat(trusted.out()).containsPattern("hv-1\\s+rack-1\\s+zone-a\\s+up\\s");
      // TLS alone identifies nobody: the controller wants a client certificate (or a token)
      assertThat(anonymous.exitCode()).as(anonymous.err()).isEqualTo(ExitCodes.UNAUTHENTICATED);
      assertThat(anonymous.err()).contains("client certificate");
      assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(untrusted.err()).contains("TLS handshake failed").contains("did --ca sign its certificate?");
      assertThat(plaintext.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(plaintext.err()).contains("if it uses TLS, add --ca FILE");
    }
  }

  @Test
  void aCaFileThatIsNoCertificateIsAUsageError(@TempDir Path dir) throws Exception {
    Path garbage = Files.writeString(dir.resolve("ca.pem"), "this is not a certificate\n");

    CliTestSupport.Result run = run("--controller", "127.0.0.1:7700", "--ca", garbage.toString(), "host", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().strip())
        .startsWith("herdctl: cannot set up TLS with the given files: --ca " + garbage + " holds no");
  }

  @Test
  void aKeyThatIsNoKeyIsAUsageError(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir, List.of(List.of("admin", "ops-alice")));
    Path badKey = Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    CliTestSupport.Result run = run("--controller", "127.0.0.1:7700", "--ca", certs.resolve("ca.pem").toString(),
        "--cert", certs.resolve("ops-alice.pem").toString(), "--key", badKey.toString(), "host", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("herdctl: cannot set up TLS with the given files:");
    assertThat(run.err().lines()).hasSize(1);
  }

  /**
   * The controller asks for a client certificate and checks one that is given: herdctl's
   * --cert from the controller's CA is taken, one from another CA refused.
   */
  @Test
  void mutualTlsPresentsTheClientCertificate(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir.resolve("certs"),
        List.of(List.of("controller", "controller", "localhost", "127.0.0.1"), List.of("admin", "ops-alice")));
    Path strangers = makeCerts(dir.resolve("strangers"), List.of(List.of("admin", "mallory")));
    try (RealCluster cluster = tlsCluster(dir.resolve("cluster"), certs)) {
      String ca = certs.resolve("ca.pem").toString();

      CliTestSupport.Result alice = run("--controller", cluster.address(), "--ca", ca,
          "--cert", certs.resolve("ops-alice.pem").toString(), "--key", certs.resolve("ops-alice.key").toString(),
          "host", "list", "-o", "json");
      CliTestSupport.Result mallory = run("--controller", cluster.address(), "--ca", ca,
          "--cert", strangers.resolve("mallory.pem").toString(), "--key", strangers.resolve("mallory.key").toString(),
          "host", "list");

      assertThat(alice.exitCode()).as(alice.err()).isEqualTo(ExitCodes.OK);
      assertThat(alice.out()).contains("\"name\" : \"hv-1\"");
      assertThat(mallory.exitCode()).as(mallory.out()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(mallory.err()).startsWith("herdctl: cannot reach the controller at " + cluster.address());
    }
  }
}
