package io.herd.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.runtime.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One herd-controller process and any number of herd-agent processes, each in its own temp
 * directory, with gRPC stubs to the controller and every agent. The controller listens on a
 * free port; an agent serves on the Unix socket in its state directory, or with TLS (or
 * {@code --insecure}) on a free port.
 */
final class Cluster implements AutoCloseable {

    static final String CONTROLLER_JAR = System.getProperty("herd.controller.jar",
            "../controller/target/herd-controller.jar");
    static final String AGENT_JAR = System.getProperty("herd.agent.jar", "../agent/target/herd-agent.jar");
    static final Duration START = Duration.ofSeconds(60);
    static final long HEARTBEAT_MS = 500;
    /** Controller arguments that serve the OpenStack compute API on a free loopback port ({@link #novaApiPort}). */
    static final String[] NOVA_API = {"--nova-api-listen", "127.0.0.1:0"};
    /** The controller's log line naming the compute API's bound port. */
    private static final Pattern NOVA_API_LOG =
            Pattern.compile("compute API \\(.*\\) and image list on https?://\\S+:(\\d+)");

    /** How the processes run: heartbeat interval and JVM options. */
    record Options(long heartbeatMs, List<String> controllerJvm, List<String> agentJvm) {
        static final Options TESTS = new Options(HEARTBEAT_MS, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
    }

    /** What a test-driver host looks like: its size and its failure-domain labels. */
    record HostShape(String name, int cpus, long memoryMib, String rack, String zone) {
    }

    /**
     * A CA and the certificates it signed (PEM, keys PKCS#8), in one directory: the
     * controller's, one per agent (role agent, CN its host name, for 127.0.0.1), and the tests'
     * client certificate for the public API. Calls to an agent present the controller's: an
     * agent serves no other role.
     */
    record Tls(Path dir) {
        static final String CONTROLLER = "controller";
        static final String CLIENT = "e2e-admin";

        Path ca() {
            return dir.resolve("ca.pem");
        }

        Path cert(String name) {
            return dir.resolve(name + ".pem");
        }

        Path key(String name) {
            return dir.resolve(name + ".key");
        }

        /** {@code --tls-cert/--tls-key/--tls-ca} of the program with this certificate. */
        List<String> args(String name) {
            return List.of("--tls-cert", cert(name).toString(), "--tls-key", key(name).toString(),
                    "--tls-ca", ca().toString());
        }

        ChannelCredentials presenting(String name) {
            try {
                return TlsChannelCredentials.newBuilder().keyManager(cert(name).toFile(), key(name).toFile())
                        .trustManager(ca().toFile()).build();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    final Path dir;
    final Tls tls;
    final Options options;
    /** The controller the stubs call (the leader, when several share a store), its port. */
    int controllerPort;
    JavaProcess controller;
    /** Every controller's port, command line and process, by index (one, or several sharing a store). */
    private final List<Integer> controllerPorts = new ArrayList<>();
    private final List<List<String>> controllerArgs = new ArrayList<>();
    private final List<JavaProcess> controllers = new ArrayList<>();
    private int current;
    private ManagedChannel channel;
    ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups;
    ServerServiceGrpc.ServerServiceBlockingStub servers;
    HostServiceGrpc.HostServiceBlockingStub hosts;
    final Map<String, JavaProcess> agents = new LinkedHashMap<>();
    /** Each agent's command line and AgentService port, to start it again after a kill. */
    private final Map<String, List<String>> agentArgs = new LinkedHashMap<>();
    private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
    /** Where each agent serves AgentService: its Unix socket, or (TLS, --insecure) 127.0.0.1:port. */
    private final Map<String, String> agentAddresses = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> agentChannels = new LinkedHashMap<>();
    private int restarts;

    Cluster(Path dir, String... extraControllerArgs) throws IOException {
        this(dir, null, extraControllerArgs);
    }

    Cluster(Path dir, Tls tls, String... extraControllerArgs) throws IOException {
        this(dir, tls, Options.TESTS, extraControllerArgs);
    }

    Cluster(Path dir, Tls tls, Options options, String... extraControllerArgs) throws IOException {
        this(dir, tls, options, null, 1, extraControllerArgs);
    }

    /**
     * {@code count} controllers sharing the PostgreSQL database at {@code storeUrl}, each
     * advertising its own address; the stubs call the one that leads.
     */
    static Cluster sharingPostgres(Path dir, Options options, String storeUrl, int count, String... extraControllerArgs)
            throws IOException {
        return new Cluster(dir, null, options, storeUrl, count, extraControllerArgs);
    }

    private Cluster(Path dir, Tls tls, Options options, String storeUrl, int count, String... extraControllerArgs)
            throws IOException {
        this.dir = dir;
        this.tls = tls;
        this.options = options;
        for (int i = 0; i < count; i++) {
            int port = Ports.free();
            List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port,
                    "--heartbeat-interval-ms", Long.toString(options.heartbeatMs())));
            if (storeUrl == null) {
                args.addAll(List.of("--store-path", dir.resolve("controller/controller.db").toString()));
            } else {
                args.addAll(List.of("--store-url", storeUrl, "--advertise-address", "127.0.0.1:" + port));
            }
            if (tls != null) {
                args.addAll(tls.args(Tls.CONTROLLER));
            }
            args.addAll(List.of(extraControllerArgs));
            controllerPorts.add(port);
            controllerArgs.add(args);
            controllers.add(null);
        }
        for (int i = 0; i < count; i++) {
            startController(i);
        }
        if (count == 1) {
            use(0);
        } else {
            awaitLeader(START);
        }
    }

    /** Starts the controller the stubs call again (after a kill). */
    void startController() {
        startController(current);
    }

    /** Starts controller {@code i} (again), and waits until it serves. */
    void startController(int i) {
        JavaProcess p = JavaProcess.start("controller" + (controllers.size() == 1 ? "" : "-" + i) + "-" + restarts++,
                dir.resolve("logs"), options.controllerJvm(), CONTROLLER_JAR, controllerArgs.get(i));
        controllers.set(i, p);
        if (i == current) {
            controller = p;
        }
        p.awaitLog("herd-controller serving on", START);
    }

    /** Controller {@code i}'s process. */
    JavaProcess controller(int i) {
        return controllers.get(i);
    }

    int controllerCount() {
        return controllers.size();
    }

    /**
     * The port the current controller serves the compute API on, as its log names it (it was
     * started with {@link #NOVA_API}; the port is chosen by the kernel when the controller binds).
     */
    int novaApiPort() {
        controller.awaitLog("and image list on", START);
        try {
            Matcher m = NOVA_API_LOG.matcher(Files.readString(controller.stderr));
            int port = -1;
            while (m.find()) {
                port = Integer.parseInt(m.group(1)); // the last: the controller may have been restarted
            }
            if (port < 0) {
                throw new IllegalStateException(controller.name + " logs no compute API port: " + controller.tail());
            }
            return port;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every controller, as agents and herdctl are given them: {@code 127.0.0.1:p1,127.0.0.1:p2}. */
    String controllerList() {
        return String.join(",", controllerPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** Points the stubs at controller {@code i}. */
    void use(int i) {
        current = i;
        controller = controllers.get(i);
        controllerPort = controllerPorts.get(i);
        if (channel != null) {
            channel.shutdownNow();
        }
        channel = channelTo("127.0.0.1:" + controllerPort);
        groups = ServerGroupServiceGrpc.newBlockingStub(channel);
        servers = ServerServiceGrpc.newBlockingStub(channel);
        hosts = HostServiceGrpc.newBlockingStub(channel);
    }

    /**
     * Waits until one running controller says SERVING (it leads, its store is healthy), points
     * the stubs at it, and returns its index.
     */
    int awaitLeader(Duration timeout) {
        int[] leader = {-1};
        await("a controller leads").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int i = 0; i < controllers.size(); i++) {
                JavaProcess p = controllers.get(i);
                if (p != null && p.alive() && serving(controllerPorts.get(i))) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        use(leader[0]);
        return leader[0];
    }

    private boolean serving(int port) {
        ManagedChannel c = channelTo("127.0.0.1:" + port);
        try {
            return HealthGrpc.newBlockingStub(c).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
        } catch (io.grpc.StatusRuntimeException e) {
            return false;
        } finally {
            c.shutdownNow();
        }
    }

    /** Starts agents on test-driver hosts of the given shapes and waits until the controller sees them all UP. */
    void startTestAgents(List<HostShape> shapes, String... extraArgs) throws IOException {
        for (HostShape s : shapes) {
            startTestAgent(s, controllerList(), extraArgs);
        }
        awaitHostsUp(shapes.stream().map(HostShape::name).toList());
    }

    /** One agent on a test-driver host of the shape, reaching the controller at {@code controllerAddress}. */
    void startTestAgent(HostShape s, String controllerAddress, String... extraArgs) throws IOException {
        Path hostDir = dir.resolve(s.name());
        Files.createDirectories(hostDir.resolve("images"));
        Path xml = hostDir.resolve(s.name() + ".xml");
        Files.writeString(xml, nodeXml(s.cpus(), s.memoryMib()));
        startAgentVia(controllerAddress, s.name(), "test://" + xml.toAbsolutePath(), s.rack(), s.zone(), hostDir,
                extraArgs);
    }

    void startAgent(String name, String uri, String rack, String zone, Path hostDir, String... extraArgs)
            throws IOException {
        startAgentVia(controllerList(), name, uri, rack, zone, hostDir, extraArgs);
    }

    /**
     * The AgentService port an agent of this name will listen on (chosen now, before it
     * starts), with TLS or {@code --insecure}; without either it serves on its Unix socket.
     */
    int agentPort(String name) throws IOException {
        Integer port = agentPorts.get(name);
        if (port == null) {
            port = Ports.free();
            agentPorts.put(name, port);
        }
        return port;
    }

    /** An agent that reaches the controller at {@code controllerAddress} (e.g. through a proxy). */
    void startAgentVia(String controllerAddress, String name, String uri, String rack, String zone, Path hostDir,
                       String... extraArgs) throws IOException {
        Files.createDirectories(hostDir.resolve("images"));
        Files.createDirectories(hostDir.resolve("state"));
        int port = agentPort(name);
        List<String> args = new ArrayList<>(List.of("--libvirt-uri", uri, "--port", Integer.toString(port),
                "--controller", controllerAddress, "--host-name", name, "--rack", rack, "--zone", zone,
                "--image-dir", hostDir.resolve("images").toString(), "--state-dir", hostDir.resolve("state").toString(),
                "--heartbeat-interval-ms", Long.toString(options.heartbeatMs()),
                "--set", "heartbeat_max_backoff_ms=" + Math.max(500, options.heartbeatMs()),
                "--set", "reserved_memory_mib=0"));
        if (tls != null) {
            TestPki.issue(tls, "agent", name, "127.0.0.1");
            args.addAll(tls.args(name));
        }
        args.addAll(List.of(extraArgs));
        agentArgs.put(name, args);
        agentAddresses.put(name, tls != null || args.contains("--insecure") ? "127.0.0.1:" + port
                : "unix://" + hostDir.resolve("state").resolve("agent.sock").toAbsolutePath());
        agents.put(name, JavaProcess.start("agent-" + name, dir.resolve("logs"), options.agentJvm(), AGENT_JAR, args));
    }

    /** Starts a stopped (or killed) agent again with its command line: same host id, same domains. */
    void restartAgent(String name) {
        JavaProcess old = agents.get(name);
        if (old != null && old.alive()) {
            throw new IllegalStateException("agent " + name + " is still running");
        }
        agents.put(name, JavaProcess.start("agent-" + name + "-again", dir.resolve("logs"), options.agentJvm(),
                AGENT_JAR, agentArgs.get(name)));
    }

    /** The agent's own AgentService address, whatever address it advertises to the controller. */
    String agentAddress(String name) {
        return agentAddresses.get(name);
    }

    /** The herd domains an agent runs, asked directly (not through the address it advertises). */
    List<AgentServer> domainsOf(String name) {
        return AgentServiceGrpc.newBlockingStub(agentChannel(agentAddress(name)))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listServers(ListAgentServersRequest.getDefaultInstance()).getServersList();
    }

    void awaitHostsUp(List<String> names) {
        await("hosts " + names + " UP").atMost(START.multipliedBy(Math.max(1, names.size() / 10))).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(io.grpc.StatusRuntimeException.class).until(() -> {
            for (JavaProcess a : agents.values()) {
                if (!a.alive()) {
                    throw new IllegalStateException(a.name + " died: " + a.tail());
                }
            }
            List<String> up = hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList().stream()
                    .filter(Host::getUp).map(Host::getName).toList();
            return up.containsAll(names);
        });
    }

    Host host(String name) {
        return hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList().stream()
                .filter(h -> h.getName().equals(name)).findFirst().orElseThrow();
    }

    /** Asks every agent directly which herd domains it runs: host name → its domains. */
    Map<String, List<AgentServer>> domainsByHost() {
        Map<String, List<AgentServer>> out = new LinkedHashMap<>();
        for (Host h : hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList()) {
            out.put(h.getName(), AgentServiceGrpc.newBlockingStub(agentChannel(h.getAgentAddress()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listServers(ListAgentServersRequest.getDefaultInstance()).getServersList());
        }
        return out;
    }

    /** A channel to an agent ({@code host:port} or {@code unix:///path}), as the controller calls it. */
    private synchronized ManagedChannel agentChannel(String address) {
        return agentChannels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a,
                tls == null ? InsecureChannelCredentials.create() : tls.presenting(Tls.CONTROLLER)).build());
    }

    /** A channel to the controller with the tests' client certificate when it runs TLS, else plaintext. */
    ManagedChannel channelTo(String address) {
        return Grpc.newChannelBuilder(address,
                tls == null ? InsecureChannelCredentials.create() : tls.presenting(Tls.CLIENT)).build();
    }

    static String nodeXml(int cpus, long memoryMib) {
        return "<node>\n  <cpu>\n    <mhz>2000</mhz>\n    <model>x86_64</model>\n    <active>" + cpus
                + "</active>\n    <total>" + cpus + "</total>\n    <nodes>1</nodes>\n    <sockets>1</sockets>\n"
                + "    <cores>" + cpus + "</cores>\n    <threads>1</threads>\n  </cpu>\n  <memory>"
                + memoryMib * 1024 + "</memory>\n</node>\n";
    }

    @Override
    public void close() {
        channel.shutdownNow();
        agentChannels.values().forEach(ManagedChannel::shutdownNow);
        for (JavaProcess a : agents.values()) {
            a.close();
        }
        for (JavaProcess c : controllers) {
            if (c != null) {
                c.close();
            }
        }
    }
}
