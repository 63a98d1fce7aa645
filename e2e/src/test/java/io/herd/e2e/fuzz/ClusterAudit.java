package io.herd.e2e.fuzz;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Resources;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The controller's books after the storm, read through the public API and the agent's: every
 * server's host and group exist, groups list exactly their servers, each host's allocation is
 * the sum of the servers placed on it, and the controller and the agent agree on what runs on
 * the agent's host. Settling takes a few heartbeats, so the audit polls until the books agree.
 */
final class ClusterAudit {

    private final FuzzCluster cluster;

    ClusterAudit(FuzzCluster cluster) {
        this.cluster = cluster;
    }

    /** Empty when the books agree within {@code patience}; else what disagreed at the last look. */
    List<String> awaitConsistent(Duration patience) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            Awaitility.await("the controller's books to agree").atMost(patience).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        last.set(check());
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            return last.get();
        }
        return List.of();
    }

    List<String> check() {
        List<String> out = new ArrayList<>();
        List<AgentServer> domains = AgentServiceGrpc.newBlockingStub(cluster.agent())
                .withDeadlineAfter(30, TimeUnit.SECONDS).listServers(ListAgentServersRequest.getDefaultInstance())
                .getServersList();
        List<Host> hosts = HostServiceGrpc.newBlockingStub(cluster.controller()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listHosts(ListHostsRequest.getDefaultInstance()).getHostsList();
        List<Server> servers = ServerServiceGrpc.newBlockingStub(cluster.controller())
                .withDeadlineAfter(30, TimeUnit.SECONDS).listServers(ListServersRequest.getDefaultInstance())
                .getServersList();
        List<ServerGroup> groups = ServerGroupServiceGrpc.newBlockingStub(cluster.controller())
                .withDeadlineAfter(30, TimeUnit.SECONDS).listServerGroups(ListServerGroupsRequest.getDefaultInstance())
                .getServerGroupsList();
        Map<String, Host> hostById = hosts.stream().collect(Collectors.toMap(Host::getId, Function.identity()));
        Map<String, ServerGroup> groupById = groups.stream()
                .collect(Collectors.toMap(ServerGroup::getId, Function.identity()));
        Map<String, Server> serverById = servers.stream().collect(Collectors.toMap(Server::getId, Function.identity()));
        Map<String, Resources> allocated = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Server s : servers) {
            if (!s.getHostId().isEmpty()) {
                if (!hostById.containsKey(s.getHostId())) {
                    out.add("server " + s.getId() + " is on host " + s.getHostId() + ", which the controller does not list");
                }
                allocated.merge(s.getHostId(), Resources.newBuilder().setVcpus(s.getVcpus())
                        .setMemoryMib(s.getMemoryMib()).setDiskGib(s.getDiskGib()).build(), ClusterAudit::plus);
                counts.merge(s.getHostId(), 1, Integer::sum);
            }
            if (!s.getGroupId().isEmpty()) {
                ServerGroup g = groupById.get(s.getGroupId());
                if (g == null || !g.getMemberIdsList().contains(s.getId())) {
                    out.add("server " + s.getId() + " is in group " + s.getGroupId() + ", which does not list it");
                }
            }
        }
        for (ServerGroup g : groups) {
            for (String member : g.getMemberIdsList()) {
                Server s = serverById.get(member);
                if (s == null || !s.getGroupId().equals(g.getId())) {
                    out.add("group " + g.getId() + " lists member " + member + ", which is not a server of it");
                }
            }
            if (!g.getCompliance().getCompliant() && (g.getCompliance().getReason().isEmpty()
                    || !g.getMemberIdsList().containsAll(g.getCompliance().getViolatingMemberIdsList()))) {
                out.add("group " + g.getId() + " is not compliant without a reason or with violators that are "
                        + "not members: " + g.getCompliance());
            }
        }
        for (Host h : hosts) {
            Resources expected = allocated.getOrDefault(h.getId(), Resources.getDefaultInstance());
            if (!h.getAllocated().equals(expected) || h.getServerCount() != counts.getOrDefault(h.getId(), 0)) {
                out.add("host " + h.getId() + " allocates " + text(h.getAllocated()) + " to " + h.getServerCount()
                        + " servers, but " + counts.getOrDefault(h.getId(), 0) + " servers on it hold "
                        + text(expected));
            }
        }
        out.addAll(agentAgrees(domains, servers, hostById.get(cluster.hostId())));
        return out;
    }

    /** The controller and the agent agree on what runs on the agent's host. */
    private List<String> agentAgrees(List<AgentServer> domains, List<Server> servers, Host host) {
        List<String> out = new ArrayList<>();
        if (host == null) {
            return List.of("the controller does not list the agent's host " + cluster.hostId());
        }
        Map<String, AgentServer> domainById = domains.stream()
                .collect(Collectors.toMap(AgentServer::getServerId, Function.identity()));
        Set<String> onHost = new HashSet<>();
        for (Server s : servers) {
            if (!s.getHostId().equals(cluster.hostId())) {
                continue;
            }
            onHost.add(s.getId());
            AgentServer d = domainById.get(s.getId());
            if (s.getState() == ServerState.SERVER_STATE_ACTIVE
                    && (d == null || d.getState() != ServerState.SERVER_STATE_ACTIVE)) {
                out.add("server " + s.getId() + " is ACTIVE on " + host.getName() + " for the controller, but the "
                        + "agent has " + (d == null ? "no domain of it" : "it " + d.getLibvirtState()));
            }
        }
        for (AgentServer d : domains) {
            if (!onHost.contains(d.getServerId()) && !host.getUnknownServerIdsList().contains(d.getServerId())) {
                out.add("the agent runs a domain of server " + d.getServerId() + " that the controller neither "
                        + "places on its host nor lists as unknown there");
            }
        }
        return out;
    }

    private static Resources plus(Resources a, Resources b) {
        return Resources.newBuilder().setVcpus(a.getVcpus() + b.getVcpus())
                .setMemoryMib(a.getMemoryMib() + b.getMemoryMib()).setDiskGib(a.getDiskGib() + b.getDiskGib()).build();
    }

    private static String text(Resources r) {
        return r.getVcpus() + " vCPUs/" + r.getMemoryMib() + " MiB/" + r.getDiskGib() + " GiB";
    }
}
