package io.herd.controller.api;

import com.google.protobuf.Timestamp;
import io.herd.api.v1.Acceleration;
import io.herd.api.v1.Compliance;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.Host;
import io.herd.api.v1.Labels;
import io.herd.api.v1.Server;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerLeft;
import io.herd.api.v1.ServerMove;
import io.herd.api.v1.ServerState;
import io.herd.controller.core.MoveReport;
import io.herd.controller.core.GroupView;
import io.herd.controller.core.HostView;
import io.herd.controller.core.ServerView;
import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import java.time.Instant;

/** Core values to protobuf messages and back. */
final class ProtoMapper {

    private ProtoMapper() {
    }

    static ServerGroup group(GroupView v) {
        GroupRecord g = v.group();
        return ServerGroup.newBuilder()
                .setId(g.id())
                .setName(g.name())
                .setPolicy(policy(g.policy()))
                .setScope(scope(g.scope()))
                .setMaxPerDomain(g.maxPerDomain())
                .addAllMemberIds(v.memberIds())
                .setCompliance(Compliance.newBuilder()
                        .setCompliant(v.compliance().compliant())
                        .addAllViolatingMemberIds(v.compliance().violatingServerIds())
                        .setReason(v.compliance().reason()))
                .setCreatedAt(timestamp(g.createdAt()))
                .setOnHostFailure(onHostFailure(g.onHostFailure()))
                .build();
    }

    static OnHostFailure onHostFailure(HostFailurePolicy p) {
        return switch (p) {
            case NONE -> OnHostFailure.ON_HOST_FAILURE_NONE;
            case EVACUATE -> OnHostFailure.ON_HOST_FAILURE_EVACUATE;
        };
    }

    static Server server(ServerView v) {
        ServerRecord s = v.server();
        Server.Builder b = Server.newBuilder();
        for (ServerView.Step step : v.history()) {
            HistoryEntry e = step.entry();
            b.addHistory(ServerHistoryEntry.newBuilder()
                    .setAt(timestamp(e.at()))
                    .setEvent(ServerHistoryEntry.Event.valueOf("EVENT_" + e.event().name()))
                    .setFromHostId(e.fromHostId())
                    .setFromHostName(step.fromHostName())
                    .setToHostId(e.toHostId())
                    .setToHostName(step.toHostName())
                    .setMessage(e.message()));
        }
        if (!s.metadata().isEmpty()) {
            // a map field, even an empty one, is an object per server answered
            b.putAllMetadata(s.metadata());
        }
        return b
                .setId(s.id())
                .setName(s.name())
                .setGroupId(s.groupId())
                .setHostId(s.hostId())
                .setHostName(v.hostName())
                .setState(state(s.status()))
                .setStateMessage(s.statusMessage())
                .setVcpus(s.vcpus())
                .setMemoryMib(s.memoryMib())
                .setDiskGib(s.diskGib())
                .setImage(s.image())
                .setRequestId(s.requestId())
                .setCreatedAt(timestamp(s.createdAt()))
                .setUpdatedAt(timestamp(s.updatedAt()))
                .setFlavor(s.flavor())
                .build();
    }

    static Flavor flavor(FlavorRecord f) {
        return Flavor.newBuilder()
                .setId(f.id())
                .setName(f.name())
                .setVcpus(f.vcpus())
                .setMemoryMib(f.memoryMib())
                .setDiskGib(f.diskGib())
                .setCreatedAt(timestamp(f.createdAt()))
                .build();
    }

    static Host host(HostView v) {
        HostRecord h = v.host();
        HostCapacity c = h.capacity();
        Host.Builder b = Host.newBuilder()
                .setId(h.id())
                .setName(h.name())
                .setLabels(Labels.newBuilder().setRack(h.rack()).setZone(h.zone()))
                .setUp(h.up())
                .setSchedulable(h.schedulable())
                .setUnschedulableReason(h.unschedulableReason())
                .setCapacity(io.herd.api.v1.HostCapacity.newBuilder()
                        .setCpus(c.cpus())
                        .setMemoryMib(c.memoryMib())
                        .setDiskFreeGib(c.diskFreeGib())
                        .setDiskTotalGib(c.diskTotalGib())
                        .setReservedCpus(c.reservedCpus())
                        .setReservedMemoryMib(c.reservedMemoryMib())
                        .setReservedDiskGib(c.reservedDiskGib())
                        .setCpuAllocationRatio(c.cpuAllocationRatio())
                        .setRamAllocationRatio(c.ramAllocationRatio()))
                .setAllocatable(resources(v.allocatable()))
                .setAllocated(resources(v.allocated()))
                .setForeignUsage(resources(h.foreignUsage()))
                .setUsage(resources(h.usage()))
                .setServerCount(v.serverCount())
                .setAcceleration(acceleration(h.acceleration()))
                .setAgentAddress(h.agentAddress())
                .setAgentVersion(h.agentVersion())
                .setDegraded(h.degraded())
                .setDegradedReason(h.degradedReason())
                .addAllUnknownServerIds(h.unknownServerIds())
                .setNotPlaceableReason(h.notPlaceableReason())
                .setApproved(h.approved())
                .setLimits(LaunchLimits.newBuilder().setMaxVcpus(h.limits().maxVcpus())
                        .setMaxMemoryMib(h.limits().maxMemoryMib()).setMaxDiskGib(h.limits().maxDiskGib()))
                .addAllImages(h.images());
        if (v.evacuateAt() != null) {
            b.setEvacuateAt(timestamp(v.evacuateAt()));
        }
        if (!h.lastHeartbeat().equals(Instant.EPOCH)) {
            b.setLastHeartbeat(timestamp(h.lastHeartbeat()));
        }
        return b.build();
    }

    static ServerMove moved(MoveReport.Moved m) {
        return ServerMove.newBuilder().setServerId(m.serverId()).setServerName(m.serverName())
                .setToHostId(m.toHostId()).setToHostName(m.toHostName()).build();
    }

    static ServerLeft left(MoveReport.Left l) {
        return ServerLeft.newBuilder().setServerId(l.serverId()).setServerName(l.serverName())
                .setReason(l.reason()).build();
    }

    static io.herd.api.v1.Resources resources(Resources r) {
        return io.herd.api.v1.Resources.newBuilder()
                .setVcpus(r.vcpus()).setMemoryMib(r.memoryMib()).setDiskGib(r.diskGib()).build();
    }

    static Resources resources(io.herd.api.v1.Resources r) {
        return new Resources(r.getVcpus(), r.getMemoryMib(), r.getDiskGib());
    }

    static ServerState state(ServerStatus s) {
        return switch (s) {
            case BUILDING -> ServerState.SERVER_STATE_BUILDING;
            case ACTIVE -> ServerState.SERVER_STATE_ACTIVE;
            case ERROR -> ServerState.SERVER_STATE_ERROR;
            case DELETING -> ServerState.SERVER_STATE_DELETING;
            case UNKNOWN -> ServerState.SERVER_STATE_UNKNOWN;
        };
    }

    /** The controller's state for a filter; null for a state no controller server has (STOPPED). */
    static ServerStatus status(ServerState s) {
        return switch (s) {
            case SERVER_STATE_BUILDING -> ServerStatus.BUILDING;
            case SERVER_STATE_ACTIVE -> ServerStatus.ACTIVE;
            case SERVER_STATE_ERROR -> ServerStatus.ERROR;
            case SERVER_STATE_DELETING -> ServerStatus.DELETING;
            case SERVER_STATE_UNKNOWN -> ServerStatus.UNKNOWN;
            default -> null;
        };
    }

    static io.herd.api.v1.Policy policy(Policy p) {
        return switch (p) {
            case AFFINITY -> io.herd.api.v1.Policy.AFFINITY;
            case ANTI_AFFINITY -> io.herd.api.v1.Policy.ANTI_AFFINITY;
            case SOFT_AFFINITY -> io.herd.api.v1.Policy.SOFT_AFFINITY;
            case SOFT_ANTI_AFFINITY -> io.herd.api.v1.Policy.SOFT_ANTI_AFFINITY;
        };
    }

    static io.herd.api.v1.Scope scope(Scope s) {
        return switch (s) {
            case HOST -> io.herd.api.v1.Scope.HOST;
            case RACK -> io.herd.api.v1.Scope.RACK;
            case ZONE -> io.herd.api.v1.Scope.ZONE;
        };
    }

    static Acceleration acceleration(String name) {
        try {
            return name.isEmpty() ? Acceleration.ACCELERATION_UNSPECIFIED : Acceleration.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Acceleration.ACCELERATION_UNSPECIFIED;
        }
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
