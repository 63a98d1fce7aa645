package io.herd.e2e.fuzz;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.e2e.fuzz.Known.Kind;
import io.herd.e2e.fuzz.Targets.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What refused requests must not have left behind: no server of a refused CreateServers, no
 * group of a refused CreateServerGroup, no flavor of a refused CreateFlavor, no domain of a
 * refused LaunchServer, no host of a refused first heartbeat. Remembers the refused requests
 * that created something new had they been accepted, and looks for what they would have
 * created at the next sweep.
 */
final class PartialWrites {

    private final Known known;
    /** Each key what a refused request would have created, each value how it was refused. */
    private final Map<String, String> serverNames = new HashMap<>();
    private final Map<String, String> groupNames = new HashMap<>();
    private final Map<String, String> flavorNames = new HashMap<>();
    private final Map<String, String> domainIds = new HashMap<>();
    private final Map<String, String> hostIds = new HashMap<>();

    PartialWrites(Known known) {
        this.known = known;
    }

    /**
     * Notes a refused request (parsed as the server parsed it) that named something new: names
     * and ids picked from what exists are left out, as what they name exists anyway.
     */
    synchronized void refused(Target target, MessageLite request, Status status) {
        String how = status.getCode() + " " + Verdicts.clip(status.getDescription());
        if (target.method() == ServerServiceGrpc.getCreateServersMethod()) {
            String name = ((CreateServersRequest) request).getName();
            if (name.startsWith(PublicApiRequests.SERVER_PREFIX)) {
                serverNames.put(name, how);
            }
        } else if (target.method() == ServerGroupServiceGrpc.getCreateServerGroupMethod()) {
            String name = ((CreateServerGroupRequest) request).getName();
            if (name.startsWith(PublicApiRequests.GROUP_PREFIX) && !known.contains(Kind.GROUP_NAME, name)) {
                groupNames.put(name, how);
            }
        } else if (target.method() == FlavorServiceGrpc.getCreateFlavorMethod()) {
            String name = ((CreateFlavorRequest) request).getName();
            if (name.startsWith(PublicApiRequests.FLAVOR_PREFIX) && !known.contains(Kind.FLAVOR_NAME, name)) {
                flavorNames.put(name, how);
            }
        } else if (target.method() == AgentServiceGrpc.getLaunchServerMethod()) {
            String id = ((LaunchServerRequest) request).getServerId();
            if (!known.contains(Kind.DOMAIN, id) && !known.contains(Kind.SERVER, id)) {
                domainIds.put(id, how);
            }
        } else if (target.method() == AgentRegistryGrpc.getHeartbeatMethod()) {
            String id = ((HeartbeatRequest) request).getHostId();
            if (id.startsWith(AgentRequests.FRESH_HOST_PREFIX) && !known.contains(Kind.HOST_ID, id)) {
                hostIds.put(id, how);
            }
        }
    }

    /** A launch of this id succeeded later: its domain may exist. */
    synchronized void launched(String domainId) {
        domainIds.remove(domainId);
    }

    /** What refused requests left behind, from lists taken after them; forgets what it checked. */
    synchronized List<String> check(List<Server> servers, List<ServerGroup> groups, List<Flavor> flavors,
                                    List<AgentServer> domains,
                                    List<Host> hosts) {
        List<String> out = new ArrayList<>();
        for (Server s : servers) {
            String name = s.getName();
            int dash = name.lastIndexOf('-');
            String how = serverNames.getOrDefault(name, dash > 0 ? serverNames.get(name.substring(0, dash)) : null);
            if (how != null) {
                out.add("server " + s.getId() + " '" + name + "' exists, though the CreateServers that named it "
                        + "was refused: " + how);
            }
        }
        for (ServerGroup g : groups) {
            if (groupNames.containsKey(g.getName())) {
                out.add("group " + g.getId() + " '" + g.getName() + "' exists, though its CreateServerGroup was "
                        + "refused: " + groupNames.get(g.getName()));
            }
        }
        for (Flavor f : flavors) {
            if (flavorNames.containsKey(f.getName())) {
                out.add("flavor " + f.getId() + " '" + f.getName() + "' exists, though its CreateFlavor was refused: "
                        + flavorNames.get(f.getName()));
            }
        }
        for (AgentServer d : domains) {
            if (domainIds.containsKey(d.getServerId())) {
                out.add("the agent has a domain of server " + d.getServerId() + " (" + d.getLibvirtState()
                        + "), though its LaunchServer was refused: " + domainIds.get(d.getServerId()));
            }
        }
        for (Host h : hosts) {
            if (hostIds.containsKey(h.getId())) {
                out.add("host " + h.getId() + " exists, though its only heartbeats were refused: "
                        + hostIds.get(h.getId()));
            }
        }
        serverNames.clear();
        groupNames.clear();
        flavorNames.clear();
        domainIds.clear();
        hostIds.clear();
        return out;
    }
}
