package io.herd.agent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the agent is configured with. Units are in the names. See docs/agent.md for
 * each key, its default, and what it does.
 *
 * @param libvirtUri            libvirt connection URI ({@code libvirt_uri})
 * @param listenAddress         address AgentService listens on ({@code listen_address})
 * @param port                  its TCP port, 0 for any free port ({@code port})
 * @param insecure              allow a non-loopback listen address without TLS ({@code insecure})
 * @param advertiseAddress      host:port sent to the controller; empty: listen address and port
 * @param controllerAddress     the controller's AgentRegistry host:port; empty: no heartbeats
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
 * @param tls                   certificate files; empty: plaintext
 */
public record AgentConfig(
        String libvirtUri,
        String listenAddress,
        int port,
        boolean insecure,
        String advertiseAddress,
        String controllerAddress,
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
        Optional<Tls> tls) {

    /**
     * Mutual TLS: the server presents certFile/keyFile and requires client certificates
     * signed by caFile; the heartbeat client presents the same pair and trusts caFile.
     */
    public record Tls(Path certFile, Path keyFile, Path caFile) {}
}
