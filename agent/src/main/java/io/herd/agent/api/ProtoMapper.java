package io.herd.agent.api;

import io.herd.agent.host.HostIdentity;
import io.herd.agent.hypervisor.Acceleration;
import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.HostFacts;
import io.herd.agent.hypervisor.ResourceAmount;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.Labels;
import io.herd.api.v1.Resources;
import io.herd.api.v1.ServerState;

/** From the hypervisor's records to herd.v1 messages. */
public final class ProtoMapper {

    private ProtoMapper() {}

    public static HostInfo hostInfo(HostIdentity id, HostPolicy policy, HostFacts facts) {
        return HostInfo.newBuilder()
                .setHostId(id.hostId())
                .setHostName(id.hostName())
                .setLibvirtUri(id.libvirtUri())
                .setHypervisorType(facts.hypervisorType())
                .setLibvirtVersion(facts.libvirtVersion())
                .setAcceleration(acceleration(facts.acceleration()))
                .setLabels(labels(id))
                .setCapacity(capacity(policy, facts))
                .setUsage(resources(facts.usage()))
                .setForeignUsage(resources(facts.foreignUsage()))
                .setDomainCount(facts.domainCount())
                .setDegraded(facts.degraded())
                .setDegradedReason(facts.degradedReason())
                .setAgentVersion(id.agentVersion())
                .build();
    }

    public static Labels labels(HostIdentity id) {
        return Labels.newBuilder().setRack(id.rack()).setZone(id.zone()).build();
    }

    public static HostCapacity capacity(HostPolicy policy, HostFacts facts) {
        return HostCapacity.newBuilder()
                .setCpus(facts.cpus())
                .setMemoryMib(facts.memoryMib())
                .setDiskFreeGib(facts.diskFreeGib())
                .setDiskTotalGib(facts.diskTotalGib())
                .setReservedCpus(policy.reservedCpus())
                .setReservedMemoryMib(policy.reservedMemoryMib())
                .setReservedDiskGib(policy.reservedDiskGib())
                .setCpuAllocationRatio(policy.cpuAllocationRatio())
                .setRamAllocationRatio(policy.ramAllocationRatio())
                .build();
    }

    public static Resources resources(ResourceAmount r) {
        return Resources.newBuilder()
                .setVcpus((int) Math.min(Integer.MAX_VALUE, r.vcpus()))
                .setMemoryMib(r.memoryMib())
                .setDiskGib(r.diskGib())
                .build();
    }

    public static io.herd.api.v1.Acceleration acceleration(Acceleration a) {
        switch (a) {
            case KVM: return io.herd.api.v1.Acceleration.ACCELERATION_KVM;
            case TCG: return io.herd.api.v1.Acceleration.ACCELERATION_TCG;
            case TEST: return io.herd.api.v1.Acceleration.ACCELERATION_TEST;
            default: return io.herd.api.v1.Acceleration.ACCELERATION_UNSPECIFIED;
        }
    }

    public static AgentServer server(HerdDomain d) {
        DomainSpec spec = d.spec();
        return AgentServer.newBuilder()
                .setServerId(spec.serverId().toString())
                .setName(spec.name())
                .setGroupId(spec.groupId())
                .setState(state(d.state()))
                .setLibvirtState(d.libvirtState())
                .setResources(Resources.newBuilder()
                        .setVcpus(spec.vcpus())
                        .setMemoryMib(spec.memoryMib())
                        .setDiskGib(spec.diskGib()))
                .setRootVolume(d.rootVolume())
                .setFence(spec.fence())
                .build();
    }

    static ServerState state(HerdDomain.State s) {
        switch (s) {
            case RUNNING: return ServerState.SERVER_STATE_ACTIVE;
            case STOPPED: return ServerState.SERVER_STATE_STOPPED;
            case STARTING: return ServerState.SERVER_STATE_BUILDING;
            default: return ServerState.SERVER_STATE_UNKNOWN;
        }
    }
}
