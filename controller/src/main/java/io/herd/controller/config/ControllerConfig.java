package io.herd.controller.config;

import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Weighing;
import io.herd.controller.store.PostgresTarget;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.tls.TlsFiles;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything herd-controller is configured with, validated. YAML keys in brackets.
 *
 * @param listenHost         address the gRPC port binds to [listen, host part]
 * @param listenPort         gRPC port, 0 = any free port [listen, port part]
 * @param storePath          SQLite database file [store.path]
 * @param storeUrl           the PostgreSQL database to use instead of SQLite, with its password
 *                           [store.url, store.password_file or HERD_STORE_PASSWORD]; empty: SQLite
 * @param heartbeatInterval  interval agents heartbeat at; 3 missed = host DOWN [heartbeat_interval_ms]
 * @param maxGroups          most server groups, 0 = no limit [quotas.max_groups]
 * @param maxMembersPerGroup most servers in a group, 0 = no limit [quotas.max_members_per_group]
 * @param launchParallelism  launches in flight at once [launch.parallelism]
 * @param launchRetries      other hosts tried after a failed launch [launch.retries]
 * @param launchTimeout      how long one launch may take at an agent [launch.timeout_ms]
 * @param weighing           spread or pack [placement.weighing]
 * @param tls                certificate, key and CA of the controller [tls.cert_file, tls.key_file,
 *                           tls.ca_file]; empty: plaintext
 * @param insecure           allow a non-loopback listen address without TLS [insecure]
 * @param perHostParallelism launches and deletes in flight at once to one agent [launch.per_host_parallelism]
 * @param deleteTimeout      how long one delete may take at an agent [delete.timeout_ms]
 * @param gracePeriod        how long a host is DOWN before its EVACUATE groups' members are placed
 *                           elsewhere [evacuation.grace_period_ms]
 * @param defaultOnHostFailure what a group created without a choice does on host failure
 *                           [evacuation.default_on_host_failure]
 * @param tokensFile         bearer tokens of API clients [auth.tokens_file]; null: none
 * @param requireApproval    new hosts take no servers until approved [hosts.require_approval]
 * @param limits             bounds on what clients and agents may send [limits.*]
 * @param ha                 how controllers sharing a PostgreSQL store elect their leader [ha.*]
 * @param novaApiListen      where the OpenStack compute API is served over HTTP [nova_api.listen];
 *                           empty: not served
 * @param metricsListen      where Prometheus scrapes /metrics over plain HTTP [metrics.listen]; empty:
 *                           not served. Any address is accepted: the metrics carry no secrets
 */
public record ControllerConfig(
        String listenHost,
        int listenPort,
        Path storePath,
        Optional<PostgresTarget> storeUrl,
        Duration heartbeatInterval,
        int maxGroups,
        int maxMembersPerGroup,
        int launchParallelism,
        int launchRetries,
        Duration launchTimeout,
        Weighing weighing,
        Optional<TlsFiles> tls,
        boolean insecure,
        int perHostParallelism,
        Duration deleteTimeout,
        Duration gracePeriod,
        HostFailurePolicy defaultOnHostFailure,
        Path tokensFile,
        boolean requireApproval,
        Limits limits,
        Ha ha,
        Optional<HostPort> novaApiListen,
        Optional<HostPort> metricsListen) {

    /**
     * @param maxMessageBytes        largest request accepted [limits.max_message_bytes]
     * @param maxHosts               most hosts registered [limits.max_hosts]
     * @param maxDomainsPerHeartbeat most domains one heartbeat may list [limits.max_domains_per_heartbeat]
     * @param heartbeatsPerSecond    heartbeats accepted per host and second, on average; twice as
     *                               many in a burst [limits.heartbeats_per_second]
     */
    public record Limits(int maxMessageBytes, int maxHosts, int maxDomainsPerHeartbeat, int heartbeatsPerSecond) {
    }

    /**
     * @param lease            how long a leader's term lasts without renewal; a standby takes over
     *                         at most this long after the leader died [ha.lease_ms]
     * @param advertiseAddress where clients and agents reach this controller, host:port, which
     *                         standbys name when they redirect; empty: the listen address
     *                         [ha.advertise_address]
     */
    public record Ha(Duration lease, String advertiseAddress) {
    }

    /**
     * The address standbys give clients for this controller: ha.advertise_address, else the
     * listen address with the port bound; a wildcard listen address becomes this machine's name.
     */
    public String advertiseAddress(int boundPort) {
        if (!ha.advertiseAddress().isEmpty()) {
            return ha.advertiseAddress();
        }
        String host = listenHost;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                host = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    /** The store, as logs may show it: the SQLite file, or the PostgreSQL URL (never the password). */
    public String storeDescription() {
        return storeUrl.map(PostgresTarget::toString).orElse("SQLite " + storePath);
    }

    /** Without TLS and without a tokens file nobody is authenticated: every caller may do anything. */
    public boolean open() {
        return tls.isEmpty() && tokensFile == null;
    }

    /** Whether the listen address is a loopback one (or the host name resolves only to loopback). */
    public boolean listensOnLoopback() {
        return loopback(listenHost);
    }

    /** Whether the compute API, if served, listens on a loopback address. */
    public boolean novaApiOnLoopback() {
        return novaApiListen.map(l -> loopback(l.host())).orElse(true);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
