package io.herd.agent.config;

import io.herd.runtime.config.HostPort;
import io.herd.runtime.tls.TlsFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything the agent is configured with. Units are in the names. See docs/agent.md for
 * each key, its default, and what it does.
 *
 * @param libvirtUri            libvirt connection URI ({@code libvirt_uri})
 * @param listenAddress         address AgentService listens on with TLS or insecure ({@code listen_address})
 * @param port                  its TCP port, 0 for any free port ({@code port})
 * @param insecure              serve plaintext TCP on listenAddress:port without TLS ({@code insecure})
 * @param socketPath            the Unix socket served on without TLS and without insecure
 *                              ({@code socket_path}; default {@code <state_dir>/agent.sock})
 * @param advertiseAddress      host:port or unix:///path sent to the controller; empty: where it serves
 * @param controllerAddresses   the controllers' AgentRegistry, host:port each, tried in order until one
 *                              answers or names the leader ({@code controller_address}); empty: no heartbeats
 * @param hostName              reported host name; empty: the machine's hostname
 * @param rack                  failure-domain label
 * @param zone                  failure-domain label
 * @param reservedCpus          CPUs held back for the host
 * @param reservedMemoryMib     memory held back for the host, MiB
 * @param reservedDiskGib       instance disk held back, GiB
 * @param cpuAllocationRatio    vCPUs per physical CPU
 * @param ramAllocationRatio    memory over-commit factor
 * @param imageDir              base images and root volumes
 * @param imagePool             name of the libvirt dir pool started over imageDir if none covers it
 * @param stateDir              where the host id is kept
 * @param heartbeatIntervalMs   normal time between heartbeats, ms
 * @param controllerTimeoutMs   deadline of one heartbeat call, ms
 * @param heartbeatMaxBackoffMs longest wait between heartbeats while the controller is unreachable, ms
 * @param libvirtReconnectMaxMs longest wait between libvirt reconnect attempts, ms
 * @param maxMessageBytes       largest inbound gRPC message, bytes
 * @param maxServerVcpus        largest vcpus a launch may ask for
 * @param maxServerMemoryMib    largest memory a launch may ask for, MiB
 * @param maxServerDiskGib      largest root disk a launch may ask for, GiB
 * @param tls                   certificate files (mutual TLS both ways); empty: plaintext
 * @param metricsListen         where Prometheus scrapes /metrics over plain HTTP ({@code metrics.listen});
 *                              empty: not served. Any address is accepted: the metrics carry no secrets
 */
public record AgentConfig(
        String libvirtUri,
        String listenAddress,
        int port,
        boolean insecure,
        Path socketPath,
        String advertiseAddress,
        List<String> controllerAddresses,
        String hostName,
        String rack,
        String zone,
        int reservedCpus,
        long reservedMemoryMib,
        long reservedDiskGib,
        double cpuAllocationRatio,
        double ramAllocationRatio,
        Path imageDir,
        String imagePool,
        Path stateDir,
        long heartbeatIntervalMs,
        long controllerTimeoutMs,
        long heartbeatMaxBackoffMs,
        long libvirtReconnectMaxMs,
        int maxMessageBytes,
        int maxServerVcpus,
        long maxServerMemoryMib,
        long maxServerDiskGib,
        Optional<TlsFiles> tls,
        Optional<HostPort> metricsListen) {

    /**
     * Whether AgentService is served on {@link #socketPath} (plaintext, its owner only): without
     * TLS and without insecure. Otherwise it is served on TCP, listenAddress:port.
     */
    public boolean onUnixSocket() {
        return tls.isEmpty() && !insecure;
    }
}
