package io.herd.e2e.fuzz;

import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.e2e.fuzz.Known.Kind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Between bursts of hostile requests: keeps what they create bounded (so that the heap at the end
 * can be compared with the heap at the start), puts the real host back into placement, refreshes
 * the ids the generators pick from, and checks that refused requests wrote nothing.
 */
final class Janitor {

    /** More servers than this and the oldest are deleted down to {@link #SERVERS_KEPT}. */
    static final int SERVER_CAP = 300;
    static final int SERVERS_KEPT = 200;
    static final int GROUP_CAP = 150;
    static final int GROUPS_KEPT = 100;
    static final int FLAVOR_CAP = 150;
    static final int FLAVORS_KEPT = 100;
    /** Domains on the agent that the controller does not know, kept until there are more. */
    static final int STRAY_DOMAIN_CAP = 20;

    private final FuzzCluster cluster;
    private final Known known;
    private final PartialWrites partialWrites;
    private final Verdicts verdicts;
    private long partialWriteCount;

    Janitor(FuzzCluster cluster, Known known, PartialWrites partialWrites, Verdicts verdicts) {
        this.cluster = cluster;
        this.known = known;
        this.partialWrites = partialWrites;
        this.verdicts = verdicts;
    }

    /**
     * One sweep; {@code last} also evacuates every host that is not up, removes every stray
     * domain and forgets the deletes that wait for hosts that are not up.
     */
    void sweep(boolean last) {
        // the agent's domains first: a server created after this list is in the controller's
        List<AgentServer> domains = agent().listServers(ListAgentServersRequest.getDefaultInstance()).getServersList();
        List<Host> hosts = hosts().listHosts(ListHostsRequest.getDefaultInstance()).getHostsList();
        List<Server> servers = servers().listServers(ListServersRequest.getDefaultInstance()).getServersList();
        List<ServerGroup> groups = groups().listServerGroups(ListServerGroupsRequest.getDefaultInstance())
                .getServerGroupsList();
        List<Flavor> flavors = flavors().listFlavors(ListFlavorsRequest.getDefaultInstance()).getFlavorsList();
        for (String leftover : partialWrites.check(servers, groups, flavors, domains, hosts)) {
            partialWriteCount++;
            verdicts.violation("partial write: " + leftover, null);
        }
        Map<String, Boolean> up = hosts.stream().collect(Collectors.toMap(Host::getId, Host::getUp));
        if (last) {
            // what an operator does for hosts that are gone: servers waiting to leave them let go
            hosts.stream().filter(h -> !h.getUp()).forEach(h -> quietly(() -> hosts().evacuateHost(
                    EvacuateHostRequest.newBuilder().setId(h.getId()).build())));
        }
        hosts.stream().filter(h -> h.getId().equals(cluster.hostId()) && !h.getSchedulable()).forEach(h ->
                quietly(() -> hosts().setHostSchedulable(SetHostSchedulableRequest.newBuilder().setId(h.getId())
                        .setSchedulable(true).build())));
        int excess = servers.size() > SERVER_CAP ? servers.size() - SERVERS_KEPT : 0;
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            boolean hostUp = up.getOrDefault(s.getHostId(), false);
            boolean stuck = last && !hostUp && s.getState() == ServerState.SERVER_STATE_DELETING;
            if (i < excess || stuck) {
                quietly(() -> servers().deleteServer(DeleteServerRequest.newBuilder().setId(s.getId())
                        .setForce(!hostUp).build()));
            }
        }
        Set<String> serverIds = servers.stream().map(Server::getId).collect(Collectors.toSet());
        List<AgentServer> strays = domains.stream().filter(d -> !serverIds.contains(d.getServerId())).toList();
        if (last || strays.size() > STRAY_DOMAIN_CAP) {
            for (AgentServer d : strays) {
                quietly(() -> agent().deleteServer(DeleteAgentServerRequest.newBuilder()
                        .setServerId(d.getServerId()).build()));
            }
        }
        if (groups.size() > GROUP_CAP) {
            groups.stream().filter(g -> g.getMemberIdsCount() == 0).limit(groups.size() - GROUPS_KEPT).forEach(g ->
                    quietly(() -> groups().deleteServerGroup(DeleteServerGroupRequest.newBuilder().setId(g.getId())
                            .build())));
        }
        if (flavors.size() > FLAVOR_CAP) {
            // servers keep a deleted flavor's sizes and name: any flavor may go
            flavors.stream().limit(flavors.size() - FLAVORS_KEPT).forEach(f -> quietly(() -> flavors()
                    .deleteFlavor(DeleteFlavorRequest.newBuilder().setId(f.getId()).build())));
        }
        known.replace(Kind.SERVER, servers.subList(excess, servers.size()).stream()
                .map(Server::getId).toList());
        known.replace(Kind.DOMAIN, domains.stream().map(AgentServer::getServerId).toList());
        known.replace(Kind.HOST_ID, hosts.stream().map(Host::getId).toList());
        known.replace(Kind.HOST_NAME, hosts.stream().map(Host::getName).toList());
        known.replace(Kind.GROUP_ID, groups.stream().map(ServerGroup::getId).toList());
        known.replace(Kind.GROUP_NAME, groups.stream().map(ServerGroup::getName).toList());
        known.replace(Kind.FLAVOR_ID, flavors.stream().map(Flavor::getId).toList());
        known.replace(Kind.FLAVOR_NAME, flavors.stream().map(Flavor::getName).toList());
    }

    /** Leftovers of refused requests found so far. */
    long partialWriteCount() {
        return partialWriteCount;
    }

    /** A clean-up call may be refused (the object is gone, the host is up); it must not fail otherwise. */
    private void quietly(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            Code code = e.getStatus().getCode();
            if (!Verdicts.REFUSALS.contains(code)) {
                verdicts.violation("clean-up call answered " + code + " " + Verdicts.clip(e.getStatus()
                        .getDescription()), null);
            }
        }
    }

    private ServerServiceGrpc.ServerServiceBlockingStub servers() {
        return ServerServiceGrpc.newBlockingStub(cluster.controller()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ServerGroupServiceGrpc.ServerGroupServiceBlockingStub groups() {
        return ServerGroupServiceGrpc.newBlockingStub(cluster.controller()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private FlavorServiceGrpc.FlavorServiceBlockingStub flavors() {
        return FlavorServiceGrpc.newBlockingStub(cluster.controller()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private HostServiceGrpc.HostServiceBlockingStub hosts() {
        return HostServiceGrpc.newBlockingStub(cluster.controller()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private AgentServiceGrpc.AgentServiceBlockingStub agent() {
        return AgentServiceGrpc.newBlockingStub(cluster.agent()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
