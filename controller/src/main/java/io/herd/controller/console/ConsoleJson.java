package io.herd.controller.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.GroupView;
import io.herd.controller.core.HostView;
import io.herd.controller.core.ServerView;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.placement.Resources;

/**
 * The console's JSON shapes of hosts, groups and servers: flat, with only what the pages show,
 * so that a snapshot of 1,000 hosts and 10,000 servers stays small. Sizes keep the API's units
 * (MiB, GiB) in their names.
 */
final class ConsoleJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConsoleJson() {
    }

    /** Everything the pages show: {@code {"hosts": […], "groups": […], "servers": […]}}. */
    static ObjectNode snapshot(ControllerCore core) {
        ObjectNode out = NODES.objectNode();
        ArrayNode hosts = out.putArray("hosts");
        core.hosts().list().forEach(h -> hosts.add(host(h)));
        ArrayNode groups = out.putArray("groups");
        core.groups().list().forEach(g -> groups.add(group(g)));
        ArrayNode servers = out.putArray("servers");
        core.servers().list("", "", null).forEach(s -> servers.add(server(s)));
        ArrayNode flavors = out.putArray("flavors");
        core.flavors().list().forEach(f -> flavors.addObject().put("name", f.name()).put("vcpus", f.vcpus())
                .put("memory_mib", f.memoryMib()).put("disk_gib", f.diskGib()));
        return out;
    }

    /**
     * A host: labels, one state of up, down, degraded, cordoned or pending (awaiting approval)
     * with the reason it takes no servers, and what placement may hand out against what herd
     * servers hold.
     */
    static ObjectNode host(HostView v) {
        HostRecord h = v.host();
        ObjectNode o = NODES.objectNode().put("id", h.id()).put("name", h.name()).put("rack", h.rack())
                .put("zone", h.zone()).put("state", state(h)).put("reason", h.notPlaceableReason())
                .put("servers", v.serverCount());
        resources(o.putObject("allocatable"), v.allocatable());
        resources(o.putObject("allocated"), v.allocated());
        return o;
    }

    private static String state(HostRecord h) {
        if (!h.up()) {
            return "down";
        }
        if (h.degraded()) {
            return "degraded";
        }
        if (!h.approved()) {
            return "pending";
        }
        return !h.schedulable() || h.evacuationRequested() ? "cordoned" : "up";
    }

    private static void resources(ObjectNode o, Resources r) {
        o.put("vcpus", r.vcpus()).put("memory_mib", r.memoryMib()).put("disk_gib", r.diskGib());
    }

    /** A group with its member count and compliance; its members are the servers naming it. */
    static ObjectNode group(GroupView v) {
        GroupRecord g = v.group();
        ObjectNode o = NODES.objectNode().put("id", g.id()).put("name", g.name()).put("policy", g.policy().name())
                .put("scope", g.scope().name()).put("max_per_domain", g.maxPerDomain())
                .put("on_host_failure", g.onHostFailure().name()).put("members", v.memberIds().size())
                .put("compliant", v.compliance().compliant()).put("reason", v.compliance().reason());
        ArrayNode violating = o.putArray("violating");
        v.compliance().violatingServerIds().forEach(violating::add);
        return o;
    }

    /** A server: where it runs (host id and name, empty when it holds none) and its state. */
    static ObjectNode server(ServerView v) {
        ServerRecord s = v.server();
        return NODES.objectNode().put("id", s.id()).put("name", s.name()).put("group", s.groupId())
                .put("host", s.hostId()).put("host_name", v.hostName()).put("status", s.status().name())
                .put("message", s.statusMessage()).put("vcpus", s.vcpus()).put("memory_mib", s.memoryMib())
                .put("disk_gib", s.diskGib()).put("image", s.image()).put("flavor", s.flavor());
    }
}
