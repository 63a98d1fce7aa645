package io.herd.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.AgentServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One herd-controller process and any number of herd-agent processes, each in its own temp
 * directory, on free ports, with gRPC stubs to the controller and every agent.
 */
final class Cluster implements AutoCloseable {

    static final String CONTROLLER_JAR = System.getProperty("herd.controller.jar",
            "../controller/target/herd-controller.jar");
    static final String AGENT_JAR = System.getProperty("herd.agent.jar", "../agent/target/herd-agent.jar");
    static final Duration START = Duration.ofSeconds(60);
    static final long HEARTBEAT_MS = 500;

    /** How the processes run: heartbeat interval and JVM options. */
    record Options(long heartbeatMs, List<String> controllerJvm, List<String> agentJvm) {
        static final Options TESTS = new Options(HEARTBEAT_MS, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
    }

    /** What a test-driver host looks like: its size and its failure-domain labels. */
    record HostShape(String name, int cpus, long memoryMib, String rack, String zone) {
    }

    /** Certificate and key (PEM, PKCS#8) and the CA that signed them; used by every process and client. */
    record Tls(Path cert, Path key, Path ca) {
    }

    final Path dir;
    final Tls tls;
    final Options options;
    final int controllerPort;
    private final List<String> controllerArgs;
    JavaProcess controller;
    private ManagedChannel channel;
    ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups;
    ServerServiceGrpc.ServerServiceBlockingStub servers;
    HostServiceGrpc.HostServiceBlockingStub hosts;
    final Map<String, JavaProcess> agents = new LinkedHashMap<>();
    /** Each agent's command line and AgentService port, to start it again after a kill. */
    private final Map<String, List<String>> agentArgs = new LinkedHashMap<>();
    private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
    private final List<ManagedChannel> agentChannels = new ArrayList<>();
    private int restarts;

    Cluster(Path dir, String... extraControllerArgs) throws IOException {
        this(dir, null, extraControllerArgs);
    }

    Cluster(Path dir, Tls tls, String... extraControllerArgs) throws IOException {
        this(dir, tls, Options.TESTS, extraControllerArgs);
    }

    Cluster(Path dir, Tls tls, Options options, String... extraControllerArgs) throws IOException {
        this.dir = dir;
        this.tls = tls;
        this.options = options;
        this.controllerPort = freePort();
        this.controllerArgs = new ArrayList<>(List.of("--listen", "127.0.0.1:" + controllerPort,
                "--store-path", dir.resolve("controller/controller.db").toString(),
                "--heartbeat-interval-ms", Long.toString(options.heartbeatMs())));
        if (tls != null) {
            this.controllerArgs.addAll(List.of("--tls-cert", tls.cert().toString(), "--tls-key", tls.key().toString(),
                    "--tls-ca", tls.ca().toString()));
        }
        this.controllerArgs.addAll(List.of(extraControllerArgs));
        startController();
        channel = channelTo("127.0.0.1:" + controllerPort);
        groups = ServerGroupServiceGrpc.newBlockingStub(channel);
        servers = ServerServiceGrpc.newBlockingStub(channel);
        hosts = HostServiceGrpc.newBlockingStub(channel);
    }

    void startController() {
        controller = JavaProcess.start("controller-" + restarts++, dir.resolve("logs"), options.controllerJvm(),
                CONTROLLER_JAR, controllerArgs);
        controller.awaitLog("herd-controller serving on", START);
    }

    /** Starts agents on test-driver hosts of the given shapes and waits until the controller sees them all UP. */
    void startTestAgents(List<HostShape> shapes, String... extraArgs) throws IOException {
        for (HostShape s : shapes) {
            startTestAgent(s, "127.0.0.1:" + controllerPort, extraArgs);
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
        startAgentVia("127.0.0.1:" + controllerPort, name, uri, rack, zone, hostDir, extraArgs);
    }

    /** The AgentService port an agent of this name will listen on (chosen now, before it starts). */
    int agentPort(String name) throws IOException {
        Integer port = agentPorts.get(name);
        if (port == null) {
            port = freePort();
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
            args.addAll(List.of("--tls-cert", tls.cert().toString(), "--tls-key", tls.key().toString(),
                    "--tls-ca", tls.ca().toString()));
        }
        args.addAll(List.of(extraArgs));
        agentArgs.put(name, args);
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
        return "127.0.0.1:" + agentPorts.get(name);
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

    private synchronized ManagedChannel agentChannel(String address) {
        for (ManagedChannel c : agentChannels) {
            if (c.authority().equals(address)) {
                return c;
            }
        }
        ManagedChannel c = channelTo(address);
        agentChannels.add(c);
        return c;
    }

    /** A channel with this cluster's client certificate when it runs TLS, else plaintext. */
    ManagedChannel channelTo(String address) {
        if (tls == null) {
            return ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        }
        try {
            return Grpc.newChannelBuilder(address, TlsChannelCredentials.newBuilder()
                    .keyManager(tls.cert().toFile(), tls.key().toFile()).trustManager(tls.ca().toFile()).build())
                    .build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String nodeXml(int cpus, long memoryMib) {
        return "<node>\n  <cpu>\n    <mhz>2000</mhz>\n    <model>x86_64</model>\n    <active>" + cpus
                + "</active>\n    <total>" + cpus + "</total>\n    <nodes>1</nodes>\n    <sockets>1</sockets>\n"
                + "    <cores>" + cpus + "</cores>\n    <threads>1</threads>\n  </cpu>\n  <memory>"
                + memoryMib * 1024 + "</memory>\n</node>\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        agentChannels.forEach(ManagedChannel::shutdownNow);
        for (JavaProcess a : agents.values()) {
            a.close();
        }
        controller.close();
    }
}
