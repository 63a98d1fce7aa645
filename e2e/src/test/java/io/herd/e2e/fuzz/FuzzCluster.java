package io.herd.e2e.fuzz;

import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.herd.agent.config.AgentConfigLoader;
import io.herd.agent.main.AgentRuntime;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.controller.ControllerServer;
import io.herd.controller.config.ConfigLoader;
import io.herd.controller.config.ControllerConfig;
import io.herd.runtime.Logging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real herd-controller and one real herd-agent in this JVM, for the fuzz test: the
 * controller's SQLite store in a temp directory, plaintext gRPC on a free loopback port, and an
 * agent on libvirt's test driver with a node file of its own, registered with the controller.
 * Clients reach both over real channels built from addresses only, so the agent may listen on
 * TCP or on a Unix socket ({@code unix:///…}): whatever it advertises to the controller.
 *
 * <p>All start-up is here, so that changes to how the two programs are started touch this class
 * only.
 */
final class FuzzCluster implements AutoCloseable {

    /** Heartbeat interval of the agent and the controller: a silent host is DOWN after 3 of these. */
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    /** The base image file every launch with an image names. */
    static final String IMAGE = "base.img";
    static final String HOST_NAME = "fuzz-hv";
    /** Large enough for any response the services give to hostile requests. */
    private static final int CLIENT_MAX_INBOUND = 64 * 1024 * 1024;

    private final ControllerServer controller;
    private final AgentRuntime agent;
    private final ManagedChannel controllerChannel;
    private final ManagedChannel agentChannel;
    private final String hostId;
    private final String controllerAddress;
    private final String agentAddress;

    private FuzzCluster(ControllerServer controller, AgentRuntime agent, ManagedChannel controllerChannel,
                        ManagedChannel agentChannel, String hostId, String controllerAddress, String agentAddress) {
        this.controller = controller;
        this.agent = agent;
        this.controllerChannel = controllerChannel;
        this.agentChannel = agentChannel;
        this.hostId = hostId;
        this.controllerAddress = controllerAddress;
        this.agentAddress = agentAddress;
    }

    /**
     * Starts both and returns once the controller has the agent's host UP. Logging is set up as
     * the programs' main methods set it up: java.util.logging (grpc, Netty) through SLF4J, so
     * that the levels of e2e's logback-test.xml (the programs' own) apply to it.
     */
    static FuzzCluster start(Path dir) throws IOException {
        Logging.bridgeJavaUtilLogging();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("listen", "127.0.0.1:0");
        c.put("store.path", dir.resolve("controller.db").toString());
        c.put("heartbeat_interval_ms", Long.toString(HEARTBEAT.toMillis()));
        c.put("launch.timeout_ms", "5000");
        c.put("delete.timeout_ms", "5000");
        ControllerConfig config = ConfigLoader.load(null, c);
        ControllerServer controller = ControllerServer.start(config, Clock.systemUTC());
        AgentRuntime agent = null;
        ManagedChannel toController = null;
        try {
            String controllerAddress = "127.0.0.1:" + controller.port();
            toController = channel(controllerAddress);
            Path hostDir = Files.createDirectories(dir.resolve(HOST_NAME));
            Files.createDirectories(hostDir.resolve("images"));
            Files.write(hostDir.resolve("images").resolve(IMAGE), new byte[4096]);
            Path node = Files.writeString(hostDir.resolve("node.xml"), nodeXml(64, 256L * 1024));
            Map<String, String> a = new LinkedHashMap<>();
            a.put("libvirt_uri", "test://" + node.toAbsolutePath());
            a.put("port", "0");
            a.put("controller_address", controllerAddress);
            a.put("host_name", HOST_NAME);
            a.put("labels.rack", "rack-1");
            a.put("labels.zone", "zone-a");
            a.put("image_dir", hostDir.resolve("images").toString());
            a.put("image_pool", "herd-fuzz-" + UUID.randomUUID().toString().substring(0, 8));
            a.put("state_dir", hostDir.resolve("state").toString());
            a.put("heartbeat_interval_ms", Long.toString(HEARTBEAT.toMillis()));
            a.put("heartbeat_max_backoff_ms", Long.toString(HEARTBEAT.toMillis()));
            agent = AgentRuntime.start(AgentConfigLoader.load(Optional.empty(), a));
            String id = agent.identity().hostId();
            Host host = awaitUp(toController, id);
            return new FuzzCluster(controller, agent, toController, channel(host.getAgentAddress()), id,
                    controllerAddress, host.getAgentAddress());
        } catch (IOException | RuntimeException e) {
            if (toController != null) {
                toController.shutdownNow();
            }
            if (agent != null) {
                agent.close();
            }
            controller.close();
            throw e;
        }
    }

    private static Host awaitUp(ManagedChannel toController, String hostId) {
        AtomicReference<Host> seen = new AtomicReference<>();
        await("the agent's host UP at the controller").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                .until(() -> {
                    Host h = HostServiceGrpc.newBlockingStub(toController).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getHost(GetHostRequest.newBuilder().setId(hostId).build());
                    seen.set(h);
                    return h.getUp() && !h.getDegraded() && !h.getImagesList().isEmpty();
                });
        return seen.get();
    }

    private static ManagedChannel channel(String address) {
        return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                .maxInboundMessageSize(CLIENT_MAX_INBOUND)
                .build();
    }

    /** The node file of libvirt's test driver for a host of this size. */
    private static String nodeXml(int cpus, long memoryMib) {
        return "<node>\n  <cpu>\n    <mhz>2000</mhz>\n    <model>x86_64</model>\n    <active>" + cpus
                + "</active>\n    <max>" + cpus + "</max>\n    <nodes>1</nodes>\n    <sockets>1</sockets>\n"
                + "    <cores>" + cpus + "</cores>\n    <threads>1</threads>\n  </cpu>\n  <memory>"
                + memoryMib * 1024 + "</memory>\n</node>\n";
    }

    /** Serves the public API and the agent registry. */
    ManagedChannel controller() {
        return controllerChannel;
    }

    /** Serves AgentService, at the address the agent advertises. */
    ManagedChannel agent() {
        return agentChannel;
    }

    /** The id the agent's host is registered under. */
    String hostId() {
        return hostId;
    }

    /** Where the controller serves, for channels of a caller's own. */
    String controllerAddress() {
        return controllerAddress;
    }

    /** Where the agent serves (what it advertises), for channels of a caller's own. */
    String agentAddress() {
        return agentAddress;
    }

    @Override
    public void close() {
        controllerChannel.shutdownNow();
        agentChannel.shutdownNow();
        agent.close();
        controller.close();
    }
}
