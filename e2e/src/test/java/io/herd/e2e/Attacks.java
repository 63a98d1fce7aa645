package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.herd.api.v1.Acceleration;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.Labels;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the attack tests share: calls that must be refused, heartbeats made by hand, a
 * snapshot of everything an attack must not change, the programs' logs, and herdctl run as a
 * process.
 */
final class Attacks {

    static final String CLI_JAR = System.getProperty("herd.cli.jar", "../cli/target/herdctl.jar");

    private Attacks() {
    }

    /** A call that must fail: it runs, and the status it failed with is returned. */
    interface Call {
        void run() throws Exception;
    }

    /** Asserts that the call fails with {@code code}; returns the status's description. */
    static String refused(Status.Code code, Call call) {
        Status status = failure(call);
        assertThat(status.getCode()).as("status of a refused call: %s", status).isEqualTo(code);
        return status.getDescription() == null ? "" : status.getDescription();
    }

    static Status failure(Call call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        } catch (Exception e) {
            throw new AssertionError("expected a gRPC status, got " + e, e);
        }
        throw new AssertionError("the call succeeded: it should have been refused");
    }

    /** A heartbeat of a made-up host with more room than any real one, and no domains. */
    static HeartbeatRequest.Builder heartbeat(String hostId, String hostName, String agentAddress) {
        return HeartbeatRequest.newBuilder().setHostId(hostId).setHostName(hostName).setAgentAddress(agentAddress)
                .setLabels(Labels.newBuilder().setRack("r9").setZone("z1"))
                .setCapacity(HostCapacity.newBuilder().setCpus(1024).setMemoryMib(1L << 30).setDiskFreeGib(1L << 20)
                        .setDiskTotalGib(1L << 20))
                .setAcceleration(Acceleration.ACCELERATION_TEST).setAgentVersion("0.1.0").setReason("interval");
    }

    static AgentRegistryGrpc.AgentRegistryBlockingStub registry(ManagedChannel channel) {
        return AgentRegistryGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** TLS to {@code address} trusting the herd CA, presenting the certificate {@code name}, or none when null. */
    static ManagedChannel tlsChannel(Cluster.Tls tls, String name, String address) {
        if (name != null) {
            return Grpc.newChannelBuilder(address, tls.presenting(name)).build();
        }
        try {
            return Grpc.newChannelBuilder(address, TlsChannelCredentials.newBuilder()
                    .trustManager(tls.ca().toFile()).build()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything an attack must leave as it was: each host's id, name, address and liveness;
     * each server's state and host; each real agent's herd domains, asked of the agent itself.
     */
    record Snapshot(List<String> hosts, List<String> servers, Map<String, List<String>> domains) {

        static Snapshot of(Cluster cluster) {
            List<String> hosts = cluster.hosts.listHosts(ListHostsRequest.getDefaultInstance()).getHostsList()
                    .stream().sorted(Comparator.comparing(Host::getName))
                    .map(h -> h.getName() + " " + h.getId() + " " + h.getAgentAddress() + (h.getUp() ? " up" : " down")
                            + " servers=" + h.getServerCount())
                    .toList();
            List<String> servers = cluster.servers.listServers(ListServersRequest.getDefaultInstance()).getServersList()
                    .stream().map(s -> s.getId() + " " + s.getState() + " on " + s.getHostName()).sorted().toList();
            Map<String, List<String>> domains = new TreeMap<>();
            for (String agent : cluster.agents.keySet()) {
                domains.put(agent, cluster.domainsOf(agent).stream().map(AgentServer::getServerId).sorted().toList());
            }
            return new Snapshot(hosts, servers, domains);
        }
    }

    static Server server(Cluster cluster, String id) {
        return cluster.servers.getServer(io.herd.api.v1.GetServerRequest.newBuilder().setId(id).build());
    }

    /** The program's standard error (its log) so far. */
    static String log(JavaProcess process) {
        try {
            return Files.exists(process.stderr) ? Files.readString(process.stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whatever a client sent, the program logged no stack trace and no exception. */
    static void assertNoStackTrace(JavaProcess process) {
        List<String> bad = log(process).lines().filter(l -> l.startsWith("\tat ") || l.contains("Exception"))
                .limit(20).toList();
        assertThat(bad).as("stack traces or exceptions in the log of %s (%s)", process.name, process.stderr)
                .isEmpty();
    }

    /** herdctl as a process, against the cluster's controller, presenting {@code cert} (none when null). */
    static Commands.Result herdctl(Cluster cluster, String cert, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", CLI_JAR,
                "--controller", "127.0.0.1:" + cluster.controllerPort, "--ca", cluster.tls.ca().toString()));
        if (cert != null) {
            command.addAll(List.of("--cert", cluster.tls.cert(cert).toString(), "--key",
                    cluster.tls.key(cert).toString()));
        }
        command.addAll(List.of(args));
        return Commands.run(command.toArray(String[]::new));
    }
}
