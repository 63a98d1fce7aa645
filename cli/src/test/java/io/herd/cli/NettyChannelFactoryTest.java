package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** herdctl's real TCP channel against a real gRPC server on an ephemeral port. */
class NettyChannelFactoryTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = Herdctl.commandLine(new Herdctl(new NettyChannelFactory(), Map.of()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return new Run(commandLine.execute(args), out.toString(), err.toString());
  }

  @Test
  void talksToARealServerOverTcp() throws Exception {
    FakeController fake = new FakeController();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
            .addService(fake.hostService())
            .build()
            .start();
    try {
      Run run = run("--controller", "127.0.0.1:" + server.getPort(), "host", "list");

      assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
      assertThat(run.out()).contains("hv-1", "hv-2", "hv-3");

      Run agentDown = run("--controller", "127.0.0.1:" + server.getPort(), "host", "show", "hv-unreachable");
      assertThat(agentDown.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(agentDown.err().strip())
          .isEqualTo("herdctl: unavailable: agent of host hv-unreachable at 10.0.0.9:7701 does not answer");
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closedPortIsExitFiveSayingWhatToCheck() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    Run run = run("--controller", "127.0.0.1:" + port, "server", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err().strip())
        .isEqualTo("herdctl: cannot reach the controller at 127.0.0.1:" + port
            + ": connection refused (is herd-controller running there? set --controller or HERD_CONTROLLER;"
            + " if it uses TLS, add --ca FILE)");
  }

  /** Certificates made by scripts/make-certs.sh, as an operator would make them. */
  private static Path makeCerts(Path dir) throws Exception {
    Path script = Path.of("..", "scripts", "make-certs.sh").toAbsolutePath().normalize();
    // scripts/setup-machine.sh installs openssl: a missing one is a failure, not a skip
    assertThat(Files.isRegularFile(script)).as("scripts/make-certs.sh from %s", Path.of("").toAbsolutePath()).isTrue();
    for (List<String> cert : List.of(List.of("controller", "localhost", "127.0.0.1"), List.of("ops-alice"))) {
      List<String> command = new ArrayList<>(List.of("bash", script.toString(), dir.toString()));
      command.addAll(cert);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(output).isZero();
    }
    return dir;
  }

  private static Server tlsServer(Path certs, TlsServerCredentials.ClientAuth clientAuth) throws Exception {
    TlsServerCredentials.Builder credentials =
        TlsServerCredentials.newBuilder()
            .keyManager(certs.resolve("controller.pem").toFile(), certs.resolve("controller.key").toFile())
            .trustManager(certs.resolve("ca.pem").toFile())
            .clientAuth(clientAuth);
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials.build())
        .addService(new FakeController().hostService())
        .build()
        .start();
  }

  @Test
  void tlsWithTheCaFromMakeCerts(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir);
    Server server = tlsServer(certs, TlsServerCredentials.ClientAuth.OPTIONAL);
    try {
      String controller = "localhost:" + server.getPort();

      Run trusted = run("--controller", controller, "--ca", certs.resolve("ca.pem").toString(), "host", "list");
      Run untrusted = run("--controller", controller, "--tls", "host", "list");
      Run plaintext = run("--controller", controller, "host", "list");

      assertThat(trusted.exitCode()).as(trusted.err()).isEqualTo(ExitCodes.OK);
      assertThat(trusted.out()).contains("hv-1");
      assertThat(untrusted.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(untrusted.err()).contains("TLS handshake failed").contains("did --ca sign its certificate?");
      assertThat(plaintext.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(plaintext.err()).contains("if it uses TLS, add --ca FILE");
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCaFileThatIsNoCertificateIsAUsageError(@TempDir Path dir) throws Exception {
    Path garbage = Files.writeString(dir.resolve("ca.pem"), "this is not a certificate\n");

    Run run = run("--controller", "127.0.0.1:7700", "--ca", garbage.toString(), "host", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().strip())
        .startsWith("herdctl: cannot set up TLS with the given files: --ca " + garbage + " holds no");
  }

  @Test
  void aKeyThatIsNoKeyIsAUsageError(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir);
    Path badKey = Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    Run run = run("--controller", "127.0.0.1:7700", "--ca", certs.resolve("ca.pem").toString(),
        "--cert", certs.resolve("ops-alice.pem").toString(), "--key", badKey.toString(), "host", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("herdctl: cannot set up TLS with the given files:");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void mutualTlsWithAClientCertificateFromMakeCerts(@TempDir Path dir) throws Exception {
    Path certs = makeCerts(dir);
    Server server = tlsServer(certs, TlsServerCredentials.ClientAuth.REQUIRE);
    try {
      String controller = "127.0.0.1:" + server.getPort();
      String ca = certs.resolve("ca.pem").toString();

      Run withCert = run("--controller", controller, "--ca", ca, "--cert", certs.resolve("ops-alice.pem").toString(),
          "--key", certs.resolve("ops-alice.key").toString(), "host", "list", "-o", "json");
      Run withoutCert = run("--controller", controller, "--ca", ca, "host", "list");

      assertThat(withCert.exitCode()).as(withCert.err()).isEqualTo(ExitCodes.OK);
      assertThat(withCert.out()).contains("\"name\" : \"hv-2\"");
      assertThat(withoutCert.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
