package io.herd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * herdctl's command tests: real herdctl command lines, run in this JVM against a
 * {@link RealCluster} (the real controller and real agents) started afresh for each test, over
 * real TCP. A test of a new command extends this class, runs {@link #herdctl}, and checks the
 * outcome in what the controller and the agents now hold ({@link #cluster}); {@link #hosts()}
 * chooses other hosts than the default three. For example:
 *
 * <pre>
 * class HostDrainCommandTest extends CliTestSupport {
 *   {@literal @}Test
 *   void drainMovesEveryServerOffTheHost() {
 *     herdctl("server", "create", "app", "--count", "3", "--wait");
 *
 *     Result result = herdctl("host", "drain", "hv-1");
 *
 *     assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
 *     assertThat(cluster.serverList()).noneMatch(s -&gt; s.getHostName().equals("hv-1"));
 *     assertThat(cluster.domainsOn("hv-1")).isEmpty();
 *   }
 * }
 * </pre>
 *
 * A host that must be DOWN: {@code cluster.stopAgent(host); cluster.awaitHostDown(host);}.
 */
abstract class CliTestSupport {
  /** What one herdctl run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  @TempDir Path dir;

  RealCluster cluster;

  /** The connection settings of the last herdctl run that opened a channel. */
  final AtomicReference<ConnectionSettings> lastSettings = new AtomicReference<>();

  /** The hosts each test starts with. */
  List<RealCluster.HostShape> hosts() {
    return RealCluster.THREE_HOSTS;
  }

  @BeforeEach
  void startCluster() throws IOException {
    cluster = RealCluster.start(dir.resolve("cluster"), hosts());
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Starts host hv-refusing, whose agent heartbeats but refuses the controller's calls, and
   * returns the name of an image only it offers: a server created with that image (and a disk)
   * is placed there, its launch fails, and no other host may take it, so it goes to ERROR.
   */
  String imageWhoseLaunchesFail() throws IOException {
    cluster.startHost(new RealCluster.HostShape("hv-refusing", 16, 64 * 1024, "rack-9", "zone-a"),
        Map.of("advertise_address", cluster.unreachable.refusingAddress()));
    cluster.addImageOn("hv-refusing", "refused.raw");
    return "refused.raw";
  }

  /**
   * Starts host hv-silent, whose agent heartbeats but never answers the controller's calls
   * (until {@link UnreachableAgents#endSilence()}), and returns the name of an image only it offers: a
   * server created with that image (and a disk) is placed there and stays BUILDING.
   */
  String imageWhoseLaunchesHang() throws IOException {
    cluster.startHost(new RealCluster.HostShape("hv-silent", 16, 64 * 1024, "rack-9", "zone-a"),
        Map.of("advertise_address", cluster.unreachable.silentAddress()));
    cluster.addImageOn("hv-silent", "silent.raw");
    return "silent.raw";
  }

  /** herdctl as a user runs it: {@code HERD_CONTROLLER} names the cluster's controller. */
  Result herdctl(String... args) {
    return herdctlWithEnv(Map.of(), args);
  }

  /** herdctl with more environment; {@code HERD_CONTROLLER} is the cluster's unless given. */
  Result herdctlWithEnv(Map<String, String> environment, String... args) {
    return run(recording(new NettyChannelFactory()), withController(environment), args);
  }

  /**
   * herdctl whose channel goes to the cluster's controller (plaintext) whatever address and TLS
   * files it chose, for tests of that choice, which {@link #lastSettings} records.
   */
  Result herdctlRedirected(Map<String, String> environment, String... args) {
    ConnectionSettings target =
        new ConnectionSettings(ControllerAddress.parse(cluster.address()), false, null, null, null, null);
    return run(recording(settings -> new NettyChannelFactory().open(target)), environment, args);
  }

  /**
   * herdctl started on a thread of its own, for commands that run until interrupted
   * ({@code server watch}; {@link Running#stop()} interrupts it as Ctrl-C would) or until
   * something else happens meanwhile ({@code --wait}; {@link Running#await()}).
   */
  Running herdctlInBackground(String... args) {
    return new Running(recording(new NettyChannelFactory()), withController(Map.of()), args);
  }

  /** Runs one herdctl command line with the given channel factory and environment. */
  static Result run(ChannelFactory channels, Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = commandLine(channels, environment, out, err).execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private static CommandLine commandLine(
      ChannelFactory channels, Map<String, String> environment, StringWriter out, StringWriter err) {
    CommandLine commandLine = Herdctl.commandLine(new Herdctl(channels, environment));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine;
  }

  private Map<String, String> withController(Map<String, String> environment) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(Herdctl.CONTROLLER_ENV, cluster.address());
    all.putAll(environment);
    return all;
  }

  private ChannelFactory recording(ChannelFactory channels) {
    return settings -> {
      lastSettings.set(settings);
      return channels.open(settings);
    };
  }

  /** A herdctl command running on its own thread; out and err can be read while it runs. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exitCode = new AtomicInteger(-1);
    private final Thread thread;

    Running(ChannelFactory channels, Map<String, String> environment, String... args) {
      CommandLine commandLine = commandLine(channels, environment, out, err);
      thread = new Thread(() -> exitCode.set(commandLine.execute(args)), "herdctl " + String.join(" ", args));
      thread.start();
    }

    /** What it printed on stdout so far. */
    String out() {
      return out.toString();
    }

    /** What it printed on stderr so far. */
    String err() {
      return err.toString();
    }

    /** Waits for it to end by itself, and returns what it printed and its exit code. */
    Result await() throws InterruptedException {
      thread.join(RealCluster.PATIENCE.toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        throw new AssertionError("herdctl did not end within " + RealCluster.PATIENCE + "; printed: " + out()
            + err());
      }
      return new Result(exitCode.get(), out.toString(), err.toString());
    }

    /** Interrupts it and returns what it printed and its exit code. */
    Result stop() throws InterruptedException {
      thread.interrupt();
      thread.join(RealCluster.PATIENCE.toMillis());
      if (thread.isAlive()) {
        throw new AssertionError("herdctl did not stop when interrupted; printed: " + out());
      }
      return new Result(exitCode.get(), out.toString(), err.toString());
    }
  }
}
