package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.ServerState;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchLimits;
import io.herd.common.LaunchRules;
import io.herd.controller.auth.AccessControl;
import io.herd.controller.core.HostManager;
import io.herd.controller.core.HostReport;
import io.herd.controller.model.HostCapacity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * herd.v1.AgentRegistry: every agent's heartbeat. A heartbeat is checked whole before it
 * changes anything: its size, its values, the agent certificate it came with, and its rate.
 * Its method may run on the transport's threads ({@code GrpcServer.Builder#inline}): a heartbeat
 * that repeats its host's last one is answered there at once, and any other is handed to
 * {@code slow}, as it may wait for the inventory's lock.
 */
public final class AgentRegistryApi extends AgentRegistryGrpc.AgentRegistryImplBase {

    /** Most base images one heartbeat may list. */
    static final int MAX_IMAGES = 1000;

    private final HostManager hosts;
    private final int maxDomains;
    private final HeartbeatRate rate;
    private final long epoch;
    private final Executor slow;

    /**
     * @param maxDomains          most domains one heartbeat may list
     * @param heartbeatsPerSecond per host, on average
     * @param maxHosts            most hosts the controller registers
     */
    public AgentRegistryApi(HostManager hosts, int maxDomains, int heartbeatsPerSecond, int maxHosts) {
        this(hosts, maxDomains, heartbeatsPerSecond, maxHosts, 0, Runnable::run);
    }

    /**
     * The registry of the leader of term {@code epoch}, which its answers tell the agents.
     *
     * @param slow where a heartbeat that must be handled whole runs (see the class comment)
     */
    public AgentRegistryApi(HostManager hosts, int maxDomains, int heartbeatsPerSecond, int maxHosts, long epoch,
                            Executor slow) {
        this.epoch = epoch;
        this.slow = slow;
        this.hosts = hosts;
        this.maxDomains = maxDomains;
        this.rate = new HeartbeatRate(heartbeatsPerSecond, maxHosts + 1024, System::nanoTime);
    }

    @Override
    public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatResponse> out) {
        HostReport report;
        HostReport.Ack quiet;
        try {
            report = admit(req);
            quiet = hosts.quietHeartbeat(report);
        } catch (RuntimeException e) {
            Calls.fail(out, e);
            return;
        }
        if (quiet != null) {
            Calls.unary(out, () -> response(quiet));
            return;
        }
        try {
            slow.execute(() -> Calls.unary(out, () -> response(hosts.heartbeat(report))));
        } catch (RejectedExecutionException e) {
            Calls.fail(out, Status.UNAVAILABLE.withDescription("the controller is stopping").asRuntimeException());
        }
    }

    /** The heartbeat, checked: its values, the identity it came with, and its rate. */
    private HostReport admit(HeartbeatRequest req) {
        HostReport report = validate(req);
        AgentIdentity.check(AccessControl.caller(), report.hostName(), report.agentAddress());
        // counted by name, the identity the agent certificate proves: a host id is whatever the sender writes
        if (!rate.allow(report.hostName())) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("host " + report.hostName() + " sends heartbeats "
                    + "faster than the controller accepts (limits.heartbeats_per_second): this one changed "
                    + "nothing").asRuntimeException();
        }
        return report;
    }

    private HeartbeatResponse response(HostReport.Ack ack) {
        return HeartbeatResponse.newBuilder()
                .setHeartbeatIntervalMs((int) Math.min(Integer.MAX_VALUE, ack.heartbeatIntervalMs()))
                .addAllUnknownServerIds(ack.unknownServerIds())
                .setFenceAfterMs(ack.fenceAfterMs())
                .addAllDestroyServerIds(ack.destroyServerIds())
                .setControllerEpoch(epoch)
                .build();
    }

    private HostReport validate(HeartbeatRequest req) {
        count("servers", req.getServersCount(), maxDomains);
        count("fenced_server_ids", req.getFencedServerIdsCount(), maxDomains);
        count("images", req.getImagesCount(), MAX_IMAGES);
        String hostId = Fields.name("host_id", req.getHostId());
        String hostName = Fields.name("host_name", req.getHostName());
        String address = Fields.agentAddress("agent_address", req.getAgentAddress());
        if (!req.hasCapacity()) {
            throw Fields.invalid("capacity", "required");
        }
        io.herd.api.v1.HostCapacity c = req.getCapacity();
        double cpuRatio = ratio("capacity.cpu_allocation_ratio", c.getCpuAllocationRatio());
        double ramRatio = ratio("capacity.ram_allocation_ratio", c.getRamAllocationRatio());
        HostCapacity capacity = new HostCapacity(cpus("capacity.cpus", c.getCpus()),
                nonNegative("capacity.memory_mib", c.getMemoryMib()),
                nonNegative("capacity.disk_free_gib", c.getDiskFreeGib()),
                nonNegative("capacity.disk_total_gib", c.getDiskTotalGib()),
                cpus("capacity.reserved_cpus", c.getReservedCpus()),
                nonNegative("capacity.reserved_memory_mib", c.getReservedMemoryMib()),
                nonNegative("capacity.reserved_disk_gib", c.getReservedDiskGib()), cpuRatio, ramRatio);
        List<HostReport.ReportedDomain> domains = new ArrayList<>(req.getServersCount());
        for (int i = 0; i < req.getServersCount(); i++) {
            domains.add(domain(i, req.getServers(i)));
        }
        List<String> images = new ArrayList<>(req.getImagesCount());
        for (int i = 0; i < req.getImagesCount(); i++) {
            images.add(LaunchRules.image("images[" + i + "]", req.getImages(i)));
        }
        List<String> fenced = new ArrayList<>(req.getFencedServerIdsCount());
        for (int i = 0; i < req.getFencedServerIdsCount(); i++) {
            fenced.add(Fields.name("fenced_server_ids[" + i + "]", req.getFencedServerIds(i)));
        }
        io.herd.api.v1.LaunchLimits l = req.getLimits();
        return new HostReport(hostId, hostName, address,
                Fields.optional("labels.rack", req.getLabels().getRack()),
                Fields.optional("labels.zone", req.getLabels().getZone()),
                capacity, resources("usage", req.getUsage()), resources("foreign_usage", req.getForeignUsage()),
                req.getAcceleration() == io.herd.api.v1.Acceleration.UNRECOGNIZED ? ""
                        : req.getAcceleration().name(),
                req.getDegraded(), Fields.optional("degraded_reason", clip(req.getDegradedReason())),
                Fields.optional("agent_version", req.getAgentVersion()), domains,
                LaunchLimits.reported(Fields.unsigned(l.getMaxVcpus()), l.getMaxMemoryMib(), l.getMaxDiskGib()),
                images, fenced);
    }

    /**
     * {@code servers[i]}, checked with the names of its own fields: the name of the list's
     * entry is put in front only when one is refused, so that a heartbeat's thousands of
     * domains make no names when all is well.
     */
    private static HostReport.ReportedDomain domain(int i, AgentServer s) {
        try {
            return new HostReport.ReportedDomain(Fields.name("server_id", s.getServerId()),
                    s.getState() == ServerState.SERVER_STATE_ACTIVE,
                    s.getLibvirtState().isEmpty() ? s.getState().name() : clip(s.getLibvirtState()),
                    resources("resources", s.getResources()), s.getState() == ServerState.SERVER_STATE_BUILDING);
        } catch (StatusRuntimeException | InvalidFieldException e) {
            throw Fields.within("servers[" + i + "]", e);
        }
    }

    private static void count(String field, int count, int max) {
        if (count > max) {
            throw Fields.invalid(field, "at most " + max + " per heartbeat, was " + count);
        }
    }

    /**
     * A reason is for people, and refusing it would refuse the heartbeat: characters that are
     * not printable become spaces, and a long one is cut.
     */
    private static String clip(String reason) {
        StringBuilder b = new StringBuilder();
        reason.codePoints().limit(1000).forEach(cp -> b.appendCodePoint(LaunchRules.printable(cp) ? cp : ' '));
        String clean = b.toString();
        return clean.codePointCount(0, clean.length()) <= 255 ? clean
                : clean.substring(0, clean.offsetByCodePoints(0, 252)) + "...";
    }

    /** 0 (not set) means 1.0. */
    private static double ratio(String field, double value) {
        if (value == 0) {
            return 1.0;
        }
        if (!(value > 0) || value > 1000 || Double.isInfinite(value)) {
            throw Fields.invalid(field, "must be a positive number up to 1000, was " + value);
        }
        return value;
    }

    /** The largest amount (MiB, GiB) a host may report: 2^40, far beyond any machine. */
    static final long MAX_AMOUNT = 1L << 40;
    /** The most CPUs or vCPUs a host or domain may report. */
    static final long MAX_CPUS = 1L << 20;

    private static long nonNegative(String field, long value) {
        if (value < 0 || value > MAX_AMOUNT) {
            throw Fields.invalid(field, "must be between 0 and " + MAX_AMOUNT + ", was " + Long.toUnsignedString(value));
        }
        return value;
    }

    private static int cpus(String field, int value) {
        if (Fields.unsigned(value) > MAX_CPUS) {
            throw Fields.invalid(field, "must be between 0 and " + MAX_CPUS + ", was " + Fields.unsigned(value));
        }
        return value;
    }

    private static io.herd.controller.placement.Resources resources(String field, io.herd.api.v1.Resources r) {
        try {
            nonNegative("memory_mib", r.getMemoryMib());
            nonNegative("disk_gib", r.getDiskGib());
            cpus("vcpus", r.getVcpus());
        } catch (StatusRuntimeException e) {
            throw Fields.within(field, e);
        }
        return ProtoMapper.resources(r);
    }
}
