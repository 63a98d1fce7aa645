package io.herd.cli;

import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import picocli.CommandLine;

/** Runs real herdctl command lines against a {@link FakeController} served in-process. */
abstract class CliTestSupport {
  /** What one herdctl run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  FakeController fake;
  final AtomicReference<ConnectionSettings> lastSettings = new AtomicReference<>();
  private String serverName;
  private Server server;

  @BeforeEach
  void startFakeController() throws IOException {
    fake = new FakeController();
    serverName = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(serverName)
            .addService(fake.groupService())
            .addService(fake.serverService())
            .addService(fake.hostService())
            .build()
            .start();
  }

  @AfterEach
  void stopFakeController() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  Result herdctl(String... args) {
    return herdctlWithEnv(Map.of(), args);
  }

  Result herdctlWithEnv(Map<String, String> environment, String... args) {
    return herdctlOn(serverName, environment, args);
  }

  /** herdctl whose channel goes to the in-process server called {@code name}. */
  Result herdctlOn(String name, Map<String, String> environment, String... args) {
    Herdctl herdctl =
        new Herdctl(
            settings -> {
              lastSettings.set(settings);
              return InProcessChannelBuilder.forName(name).build();
            },
            environment);
    CommandLine commandLine = Herdctl.commandLine(herdctl);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
