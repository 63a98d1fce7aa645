package io.herd.bench.fleet;

import io.herd.api.v1.Acceleration;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.Labels;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.Resources;
import io.herd.api.v1.ServerState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated hypervisor: the identity, labels and capacity an agent reports, and its
 * domains, kept in memory. A launch starts a domain at once (or after the fleet's launch
 * delay); a domain runs until it is deleted or the controller asks for it to be destroyed.
 * Thread-safe: AgentService calls and heartbeats reach it from several threads.
 */
final class SimulatedHost {

    /** The one base image every simulated host offers. */
    static final String IMAGE = "fleet-base.qcow2";

    private final int index;
    private final String id;
    private final String name;
    private final String rack;
    private final String zone;
    private final String address;
    private final HostCapacity capacity;
    private final Map<String, AgentServer> domains = new LinkedHashMap<>();
    /** The heartbeat's fixed part, built once: only the domains, usage and sequence change. */
    private final HeartbeatRequest template;
    private long sequence;

    SimulatedHost(int index, String rack, String zone, String address, HostCapacity capacity) {
        this.index = index;
        this.id = String.format("fleet-%06d", index);
        this.name = String.format("fleet%06d", index);
        this.rack = rack;
        this.zone = zone;
        this.address = address;
        this.capacity = capacity;
        this.template = HeartbeatRequest.newBuilder()
                .setHostId(id)
                .setHostName(name)
                .setAgentAddress(address)
                .setLabels(Labels.newBuilder().setRack(rack).setZone(zone))
                .setCapacity(capacity)
                .setAcceleration(Acceleration.ACCELERATION_TEST)
                .setAgentVersion("fleet-simulator")
                .setLimits(LaunchLimits.getDefaultInstance())
                .addImages(IMAGE)
                .build();
    }

    int index() {
        return index;
    }

    String id() {
        return id;
    }

    String name() {
        return name;
    }

    String rack() {
        return rack;
    }

    String zone() {
        return zone;
    }

    /** The next heartbeat: every domain this host runs, and their usage. */
    synchronized HeartbeatRequest heartbeat(String reason) {
        return template.toBuilder()
                .addAllServers(domains.values())
                .setUsage(usage())
                .setSequence(++sequence)
                .setReason(reason)
                .build();
    }

    synchronized HostInfo info() {
        return HostInfo.newBuilder()
                .setHostId(id)
                .setHostName(name)
                .setLibvirtUri("fleet:///" + name)
                .setHypervisorType("fleet")
                .setAcceleration(Acceleration.ACCELERATION_TEST)
                .setLabels(template.getLabels())
                .setCapacity(capacity)
                .setUsage(usage())
                .setDomainCount(domains.size())
                .setAgentVersion(template.getAgentVersion())
                .build();
    }

    /**
     * Starts the domain of a launch order, as an agent does: a second order for a server that
     * already runs here is answered with that domain.
     *
     * @return the domain, and whether it already existed
     */
    synchronized Launched launch(LaunchServerRequest req) {
        AgentServer existing = domains.get(req.getServerId());
        if (existing != null) {
            return new Launched(existing, true);
        }
        AgentServer domain = AgentServer.newBuilder()
                .setServerId(req.getServerId())
                .setName(req.getName())
                .setGroupId(req.getGroupId())
                .setState(ServerState.SERVER_STATE_ACTIVE)
                .setLibvirtState("running")
                .setResources(Resources.newBuilder().setVcpus(req.getVcpus()).setMemoryMib(req.getMemoryMib())
                        .setDiskGib(req.getDiskGib()))
                .setFence(req.getFence())
                .build();
        domains.put(req.getServerId(), domain);
        return new Launched(domain, false);
    }

    record Launched(AgentServer domain, boolean alreadyExisted) {
    }

    /** @return whether the domain was there */
    synchronized boolean delete(String serverId) {
        return domains.remove(serverId) != null;
    }

    synchronized List<AgentServer> domains() {
        return new ArrayList<>(domains.values());
    }

    synchronized boolean runs(String serverId) {
        return domains.containsKey(serverId);
    }

    private Resources usage() {
        int vcpus = 0;
        long memory = 0;
        long disk = 0;
        for (AgentServer d : domains.values()) {
            vcpus += d.getResources().getVcpus();
            memory += d.getResources().getMemoryMib();
            disk += d.getResources().getDiskGib();
        }
        return Resources.newBuilder().setVcpus(vcpus).setMemoryMib(memory).setDiskGib(disk).build();
    }

    String address() {
        return address;
    }
}
