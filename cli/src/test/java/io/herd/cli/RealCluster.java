package io.herd.cli;

import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.herd.agent.config.AgentConfigLoader;
import io.herd.agent.hypervisor.LibvirtHypervisor;
import io.herd.agent.main.AgentRuntime;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.runtime.config.ConfigException;
import io.herd.runtime.testing.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real herd-controller and real herd-agents in this JVM, for herdctl's tests.
 *
 * <p>The controller is {@link ControllerServer} itself: its SQLite store in a temporary
 * directory, gRPC (public API and agent registry) on a free loopback port, plaintext unless the
 * settings name TLS files (then the agents use them too, serving AgentService on a free loopback
 * port; without TLS each agent serves on the Unix socket in its state directory and advertises
 * it as {@code unix://}). Each host is an {@link AgentRuntime}
 * on libvirt's test driver with a node file of its own ({@code test:///<dir>/<host>/node.xml}):
 * each host has its own size and its own domains, which live as long as the host's libvirt
 * connection. That connection outlives the agent, as libvirtd outlives a stopped herd-agent, so
 * a test can stop an agent (the host goes DOWN, its domains stay) and start it again, with
 * other labels if it likes.
 *
 * <p>Agents heartbeat every {@link #HEARTBEAT}; each holds back {@link #RESERVED_CPUS} CPUs and
 * {@link #RESERVED_MEMORY_MIB} MiB, so a host's allocatable amounts differ from its hardware.
 *
 * <p>An agent that heartbeats but cannot be called: start it (or start it again) with its
 * {@code advertise_address} set to one of {@link #unreachable}'s addresses. A server placed on a
 * host whose agent is silent stays BUILDING.
 */
final class RealCluster implements AutoCloseable {
  /** How often agents heartbeat; a host whose agent stopped is DOWN after 3 of these. */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** The longest a test waits for the cluster to reach a state. */
  static final Duration PATIENCE = Duration.ofSeconds(30);
  static final int RESERVED_CPUS = 2;
  static final long RESERVED_MEMORY_MIB = 4096;

  /** A test-driver host: its hardware and its failure-domain labels. */
  record HostShape(String name, int cpus, long memoryMib, String rack, String zone) {}

  /** Three hosts of 16 CPUs and 64 GiB, one per rack, all in one zone. */
  static final List<HostShape> THREE_HOSTS =
      List.of(
          new HostShape("hv-1", 16, 64 * 1024, "rack-1", "zone-a"),
          new HostShape("hv-2", 16, 64 * 1024, "rack-2", "zone-a"),
          new HostShape("hv-3", 16, 64 * 1024, "rack-3", "zone-a"));

  /** One host: its libvirt connection (kept) and its agent (stopped and started at will). */
  private static final class Machine {
    final HostShape shape;
    final Path dir;
    final LibvirtHypervisor libvirt;
    AgentRuntime agent;

    Machine(HostShape shape, Path dir, LibvirtHypervisor libvirt) {
      this.shape = shape;
      this.dir = dir;
      this.libvirt = libvirt;
    }
  }

  private final Path dir;
  private final Map<String, String> tls;
  private final ControllerServer controller;
  private final ManagedChannel channel;
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final List<String> images = new ArrayList<>();
  /** Addresses where the controller's calls to an agent hang or are refused; closed with the cluster. */
  final UnreachableAgents unreachable = new UnreachableAgents();

  private RealCluster(Path dir, Map<String, String> tls, ControllerServer controller) {
    this.dir = dir;
    this.tls = tls;
    this.controller = controller;
    this.channel = Grpc.newChannelBuilder(address(), clientCredentials(issue(tls, "admin", "cluster-admin"))).build();
  }

  /** A plaintext controller with the given hosts, each UP when this returns. */
  static RealCluster start(Path dir, List<HostShape> hosts) throws IOException {
    return start(dir, hosts, Map.of());
  }

  /**
   * A controller with configuration keys of its own (e.g. {@code tls.cert_file}), and the
   * given hosts, each UP when this returns.
   */
  static RealCluster start(Path dir, List<HostShape> hosts, Map<String, String> controllerSettings)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen", "127.0.0.1:0");
    settings.put("store.path", dir.resolve("controller.db").toString());
    settings.put("heartbeat_interval_ms", Long.toString(HEARTBEAT.toMillis()));
    settings.putAll(controllerSettings);
    ControllerConfig config = ConfigLoader.load(null, settings);
    Map<String, String> tls = new LinkedHashMap<>();
    controllerSettings.forEach((key, value) -> {
      if (key.startsWith("tls.")) {
        tls.put(key, value);
      }
    });
    RealCluster cluster = new RealCluster(dir, tls, ControllerServer.start(config, Clock.systemUTC()));
    try {
      for (HostShape host : hosts) {
        cluster.startHost(host, Map.of());
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Where the controller's API listens, as herdctl's --controller takes it. */
  String address() {
    return "127.0.0.1:" + controller.port();
  }

  ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups() {
    return ServerGroupServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  ServerServiceGrpc.ServerServiceBlockingStub servers() {
    return ServerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  FlavorServiceGrpc.FlavorServiceBlockingStub flavors() {
    return FlavorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  HostServiceGrpc.HostServiceBlockingStub hosts() {
    return HostServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** Every server the controller holds, oldest first. */
  List<Server> serverList() {
    return servers().listServers(ListServersRequest.getDefaultInstance()).getServersList();
  }

  /** The server called {@code name}; fails when there is none. */
  Server server(String name) {
    return serverList().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the controller has no server " + name));
  }

  ServerGroup group(String idOrName) {
    return groups().getServerGroup(GetServerGroupRequest.newBuilder().setId(idOrName).build());
  }

  Host host(String idOrName) {
    return hosts().getHost(GetHostRequest.newBuilder().setId(idOrName).build());
  }

  /**
   * Puts a base image file (raw, 4 KiB of zeros) into every host's image directory, this one's
   * and those started later; returns once the controller has each running agent offering it.
   */
  void addImage(String fileName) throws IOException {
    images.add(fileName);
    for (Machine machine : machines.values()) {
      writeImage(machine, fileName);
    }
    for (Machine machine : machines.values()) {
      awaitImage(machine, fileName);
    }
  }

  /**
   * Puts a base image file into one host's image directory only; returns once the controller
   * has its agent offering it.
   */
  void addImageOn(String host, String fileName) throws IOException {
    Machine machine = machine(host);
    writeImage(machine, fileName);
    awaitImage(machine, fileName);
  }

  private void awaitImage(Machine machine, String fileName) {
    if (machine.agent != null) {
      awaitHost(machine.shape.name(), h -> h.getImagesList().contains(fileName), "offering image " + fileName);
    }
  }

  /**
   * Starts a host: its node file, its libvirt connection and its agent, with agent
   * configuration keys of the test's own (e.g. {@code advertise_address}); returns once the
   * controller has it UP.
   */
  void startHost(HostShape shape, Map<String, String> agentSettings) throws IOException {
    Path hostDir = dir.resolve(shape.name());
    Files.createDirectories(hostDir.resolve("images"));
    Path node = Files.writeString(hostDir.resolve("node.xml"), nodeXml(shape));
    String uri = "test://" + node.toAbsolutePath();
    LibvirtHypervisor libvirt =
        LibvirtHypervisor.open(new LibvirtHypervisor.Options(uri, hostDir.resolve("images"), "herd-images",
            Duration.ofSeconds(1)));
    Machine machine = new Machine(shape, hostDir, libvirt);
    machines.put(shape.name(), machine);
    for (String image : images) {
      writeImage(machine, image);
    }
    startAgent(shape.name(), agentSettings);
  }

  /** Stops the host's agent; its domains stay. The controller sees the host DOWN after 3 heartbeats. */
  void stopAgent(String host) {
    Machine machine = machine(host);
    machine.agent.close();
    machine.agent = null;
  }

  /**
   * Starts the host's agent again on the same libvirt connection, state directory (so the same
   * host id) and settings, with {@code agentSettings} on top (e.g. {@code labels.rack},
   * {@code advertise_address}); returns once the controller has the host UP at the address the
   * agent advertises.
   */
  void startAgent(String host, Map<String, String> agentSettings) throws IOException {
    Machine machine = machine(host);
    if (machine.agent != null) {
      throw new IllegalStateException("the agent of " + host + " is running");
    }
    Map<String, String> o = new LinkedHashMap<>();
    o.put("libvirt_uri", machine.libvirt.uri());
    o.put("port", "0");
    o.put("controller_address", address());
    o.put("host_name", machine.shape.name());
    o.put("labels.rack", machine.shape.rack());
    o.put("labels.zone", machine.shape.zone());
    o.put("image_dir", machine.dir.resolve("images").toString());
    o.put("state_dir", machine.dir.resolve("state").toString());
    o.put("heartbeat_interval_ms", Long.toString(HEARTBEAT.toMillis()));
    o.put("heartbeat_max_backoff_ms", Long.toString(HEARTBEAT.toMillis()));
    o.put("reserved_cpus", Integer.toString(RESERVED_CPUS));
    o.put("reserved_memory_mib", Long.toString(RESERVED_MEMORY_MIB));
    // each agent heartbeats with a certificate of its own: role agent, CN its host name
    o.putAll(issue(tls, "agent", machine.shape.name(), "127.0.0.1"));
    o.putAll(agentSettings);
    try {
      machine.agent = AgentRuntime.start(AgentConfigLoader.load(Optional.empty(), o), machine.libvirt, false,
          Clock.systemUTC());
    } catch (ConfigException e) {
      throw new IllegalArgumentException("agent settings of " + host + ": " + e.getMessage(), e);
    }
    String advertised = o.getOrDefault("advertise_address", "");
    String serving = machine.agent.address();
    awaitHost(host, h -> h.getUp() && !h.getDegraded()
        && h.getAgentAddress().equals(advertised.isEmpty() ? serving : advertised), "UP");
  }

  /** Waits until the controller's view of the host matches. */
  void awaitHost(String host, Predicate<Host> condition, String what) {
    await(host + " " + what)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(() -> condition.test(host(host)));
  }

  /** Waits until the controller has the host DOWN (its agent stopped 3 heartbeats ago). */
  void awaitHostDown(String host) {
    awaitHost(host, h -> !h.getUp(), "DOWN");
  }

  /** The herd domains on the host, as its agent lists them (AgentService.ListServers). */
  List<AgentServer> domainsOn(String host) {
    Machine machine = machine(host);
    if (machine.agent == null) {
      throw new IllegalStateException("the agent of " + host + " is stopped");
    }
    ManagedChannel agent =
        Grpc.newChannelBuilder(machine.agent.address(), clientCredentials(tls)).build();
    try {
      return AgentServiceGrpc.newBlockingStub(agent)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .listServers(ListAgentServersRequest.getDefaultInstance())
          .getServersList();
    } finally {
      agent.shutdownNow();
    }
  }

  private Machine machine(String host) {
    Machine machine = machines.get(host);
    if (machine == null) {
      throw new IllegalArgumentException("no host " + host + " in this cluster: " + machines.keySet());
    }
    return machine;
  }

  private static void writeImage(Machine machine, String fileName) throws IOException {
    Files.write(machine.dir.resolve("images").resolve(fileName), new byte[4096]);
  }

  /**
   * With TLS, a certificate of the role for {@code name} from the CA beside tls.ca_file, made
   * as an operator would ({@link TestCa}: scripts/make-certs.sh); its tls.* keys (none without TLS).
   */
  private static Map<String, String> issue(Map<String, String> tls, String role, String name, String... sans) {
    if (tls.isEmpty()) {
      return Map.of();
    }
    Path ca = Path.of(tls.get("tls.ca_file"));
    Path dir = ca.toAbsolutePath().getParent();
    try {
      TestCa.existing(dir).issue(role, name, sans);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("tls.cert_file", dir.resolve(name + ".pem").toString(), "tls.key_file",
        dir.resolve(name + ".key").toString(), "tls.ca_file", ca.toString());
  }

  private static ChannelCredentials clientCredentials(Map<String, String> tls) {
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(Path.of(tls.get("tls.cert_file")).toFile(), Path.of(tls.get("tls.key_file")).toFile())
          .trustManager(Path.of(tls.get("tls.ca_file")).toFile())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node file of libvirt's test driver for a host of this size. */
  static String nodeXml(HostShape shape) {
    return "<node>\n  <cpu>\n    <mhz>2000</mhz>\n    <model>x86_64</model>\n    <active>" + shape.cpus()
        + "</active>\n    <max>" + shape.cpus() + "</max>\n    <nodes>1</nodes>\n    <sockets>1</sockets>\n"
        + "    <cores>" + shape.cpus() + "</cores>\n    <threads>1</threads>\n  </cpu>\n  <memory>"
        + shape.memoryMib() * 1024 + "</memory>\n</node>\n";
  }

  @Override
  public void close() {
    channel.shutdownNow();
    for (Machine machine : machines.values()) {
      if (machine.agent != null) {
        machine.agent.close();
      }
    }
    controller.close();
    for (Machine machine : machines.values()) {
      machine.libvirt.close();
    }
    try {
      unreachable.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
