package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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
            + ": connection refused (is herd-controller running? set --controller or HERD_CONTROLLER)");
  }
}
