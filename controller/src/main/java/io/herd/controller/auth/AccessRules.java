package io.herd.controller.auth;

import io.herd.runtime.tls.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The role each RPC of the controller needs. Reads need viewer; changes to groups, servers
 * and flavors operator; changes to hosts admin; heartbeats an agent. An RPC not listed here is
 * allowed to nobody.
 */
public final class AccessRules {

    private static final Map<String, Role> NEEDED = new HashMap<>();

    static {
        rule("herd.v1.ServerGroupService", Role.VIEWER, "GetServerGroup", "ListServerGroups");
        rule("herd.v1.ServerGroupService", Role.OPERATOR, "CreateServerGroup", "DeleteServerGroup");
        rule("herd.v1.ServerService", Role.VIEWER, "GetServer", "ListServers", "WatchServers");
        rule("herd.v1.ServerService", Role.OPERATOR, "CreateServers", "DeleteServer", "MigrateServer");
        rule("herd.v1.FlavorService", Role.VIEWER, "GetFlavor", "ListFlavors");
        rule("herd.v1.FlavorService", Role.OPERATOR, "CreateFlavor", "DeleteFlavor");
        rule("herd.v1.HostService", Role.VIEWER, "ListHosts", "GetHost");
        rule("herd.v1.HostService", Role.ADMIN, "SetHostSchedulable", "EvacuateHost", "DrainHost", "ApproveHost");
        rule("herd.v1.AgentRegistry", Role.AGENT, "Heartbeat");
    }

    private AccessRules() {
    }

    private static void rule(String service, Role role, String... methods) {
        for (String m : methods) {
            NEEDED.put(service + "/" + m, role);
        }
    }

    /** The role a full method name ({@code herd.v1.ServerService/CreateServers}) needs. */
    public static Optional<Role> needed(String fullMethodName) {
        return Optional.ofNullable(NEEDED.get(fullMethodName));
    }

    /** Whether the method changes something (and so goes into the audit log). */
    public static boolean mutates(String fullMethodName) {
        Role r = NEEDED.get(fullMethodName);
        return r == Role.OPERATOR || r == Role.ADMIN;
    }
}
