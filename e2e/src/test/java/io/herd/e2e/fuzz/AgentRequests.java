package io.herd.e2e.fuzz;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.Labels;
import io.herd.api.v1.LaunchLimits;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.Resources;
import io.herd.api.v1.ServerState;
import io.herd.e2e.fuzz.Known.Kind;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Hostile requests for the agent-facing services: AgentRegistry.Heartbeat (served by the
 * controller) and AgentService (served by the agent). Each field is well-formed most of the
 * time, so that a request gets past the first checks often enough to reach the later ones.
 */
final class AgentRequests {

    /** Host ids of heartbeats whose host must not exist when the heartbeat was refused. */
    static final String FRESH_HOST_PREFIX = "fz-fresh-";
    /** The contract's limits.max_domains_per_heartbeat: a heartbeat with more is refused. */
    static final int MAX_DOMAINS_PER_HEARTBEAT = 10_000;

    private final Known known;
    private final String realHostId;

    AgentRequests(Known known, String realHostId) {
        this.known = known;
        this.realHostId = realHostId;
    }

    Arbitrary<HeartbeatRequest> heartbeat() {
        // a host keeps the name it registered with: most heartbeats name their host as it did
        Arbitrary<Tuple2<String, String>> host = Arbitraries.frequencyOf(List.of(
                Tuple.of(70, Arbitraries.integers().between(0, 7).map(i -> Tuple.of("fz-host-" + i, "fz-hv-" + i))),
                Tuple.of(8, Hostile.uniqueName(FRESH_HOST_PREFIX).map(id -> Tuple.of(id, id))),
                Tuple.of(3, Arbitraries.just(Tuple.of(realHostId, FuzzCluster.HOST_NAME))),
                Tuple.of(4, known.existing(Kind.HOST_ID).map(id -> Tuple.of(id, id))),
                Tuple.of(15, Hostile.string().map(id -> Tuple.of(id, id)))));
        Arbitrary<String> address = Arbitraries.frequencyOf(List.of(Tuple.of(6, Arbitraries.just("127.0.0.1:1")),
                Tuple.of(3, Hostile.address()), Tuple.of(1, Hostile.string())));
        return Builders.withBuilder(HeartbeatRequest::newBuilder)
                .use(host).in((b, v) -> b.setHostId(v.get1()).setHostName(v.get2()))
                .use(Hostile.string()).withProbability(0.05).in((b, v) -> b.setHostName(v))
                .use(address).in((b, v) -> b.setAgentAddress(v))
                .use(labels()).withProbability(0.8).in((b, v) -> b.setLabels(v))
                .use(capacity()).withProbability(0.95).in((b, v) -> b.setCapacity(v))
                .use(resources()).withProbability(0.8).in((b, v) -> b.setUsage(v))
                .use(resources()).withProbability(0.5).in((b, v) -> b.setForeignUsage(v))
                .use(domains()).in((b, v) -> b.addAllServers(v))
                .use(Hostile.enumNumber(4)).withProbability(0.7).in((b, v) -> b.setAccelerationValue(v))
                .use(Arbitraries.of(false, false, false, true)).in((b, v) -> b.setDegraded(v))
                .use(Hostile.string()).withProbability(0.2).in((b, v) -> b.setDegradedReason(v))
                .use(Hostile.mostly(Arbitraries.just("0.1.0-fuzz"), 5)).in((b, v) -> b.setAgentVersion(v))
                .use(Hostile.uint64()).in((b, v) -> b.setSequence(v))
                .use(Hostile.mostly(Arbitraries.of("interval", "start", "event: crashed"), 20))
                .in((b, v) -> b.setReason(v))
                .use(limits()).withProbability(0.2).in((b, v) -> b.setLimits(v))
                .use(images()).in((b, v) -> b.addAllImages(v))
                .use(serverRef().list().ofMaxSize(3)).withProbability(0.1).in((b, v) -> b.addAllFencedServerIds(v))
                .build(HeartbeatRequest.Builder::build);
    }

    private static Arbitrary<Labels> labels() {
        return Builders.withBuilder(Labels::newBuilder)
                .use(Hostile.mostly(Arbitraries.of("", "rack-1", "rack-2", "rack-3"), 5)).in((b, v) -> b.setRack(v))
                .use(Hostile.mostly(Arbitraries.of("", "zone-a", "zone-b"), 5)).in((b, v) -> b.setZone(v))
                .build(Labels.Builder::build);
    }

    private static Arbitrary<HostCapacity> capacity() {
        return Builders.withBuilder(HostCapacity::newBuilder)
                .use(mostly(Arbitraries.integers().between(1, 128), Hostile.uint32())).in((b, v) -> b.setCpus(v))
                .use(mostly(Arbitraries.longs().between(1024, 1 << 20), Hostile.uint64()))
                .in((b, v) -> b.setMemoryMib(v))
                .use(mostly(Arbitraries.longs().between(0, 10_000), Hostile.uint64()))
                .in((b, v) -> b.setDiskFreeGib(v))
                .use(mostly(Arbitraries.longs().between(0, 10_000), Hostile.uint64()))
                .in((b, v) -> b.setDiskTotalGib(v))
                .use(mostly(Arbitraries.integers().between(0, 4), Hostile.uint32())).in((b, v) -> b.setReservedCpus(v))
                .use(mostly(Arbitraries.longs().between(0, 4096), Hostile.uint64()))
                .in((b, v) -> b.setReservedMemoryMib(v))
                .use(mostly(Arbitraries.longs().between(0, 10), Hostile.uint64())).in((b, v) -> b.setReservedDiskGib(v))
                .use(mostly(Arbitraries.doubles().between(1, 16), Hostile.real()))
                .in((b, v) -> b.setCpuAllocationRatio(v))
                .use(mostly(Arbitraries.doubles().between(1, 2), Hostile.real()))
                .in((b, v) -> b.setRamAllocationRatio(v))
                .build(HostCapacity.Builder::build);
    }

    private static Arbitrary<Resources> resources() {
        return Builders.withBuilder(Resources::newBuilder)
                .use(mostly(Arbitraries.integers().between(0, 64), Hostile.uint32())).in((b, v) -> b.setVcpus(v))
                .use(mostly(Arbitraries.longs().between(0, 65_536), Hostile.uint64())).in((b, v) -> b.setMemoryMib(v))
                .use(mostly(Arbitraries.longs().between(0, 100), Hostile.uint64())).in((b, v) -> b.setDiskGib(v))
                .build(Resources.Builder::build);
    }

    private static Arbitrary<LaunchLimits> limits() {
        return Builders.withBuilder(LaunchLimits::newBuilder)
                .use(Hostile.uint32()).in((b, v) -> b.setMaxVcpus(v))
                .use(Hostile.uint64()).in((b, v) -> b.setMaxMemoryMib(v))
                .use(Hostile.uint64()).in((b, v) -> b.setMaxDiskGib(v))
                .build(LaunchLimits.Builder::build);
    }

    private static Arbitrary<List<String>> images() {
        Arbitrary<List<String>> many = Arbitraries.randomValue(r -> {
            String[] names = new String[1 + r.nextInt(20_000)];
            for (int i = 0; i < names.length; i++) {
                names[i] = "img-" + i + ".qcow2";
            }
            return List.of(names);
        });
        return Arbitraries.frequencyOf(List.of(Tuple.of(40, Arbitraries.just(List.of(FuzzCluster.IMAGE))),
                Tuple.of(20, Hostile.mostly(Arbitraries.just(FuzzCluster.IMAGE), 50).list().ofMaxSize(3)),
                Tuple.of(1, many)));
    }

    /** Reported domains: a few, now and then more than any heartbeat may carry. */
    private Arbitrary<List<AgentServer>> domains() {
        Arbitrary<AgentServer> one = Builders.withBuilder(AgentServer::newBuilder)
                .use(serverRef()).in((b, v) -> b.setServerId(v))
                .use(Hostile.mostly(Hostile.plainName(), 5)).withProbability(0.7).in((b, v) -> b.setName(v))
                .use(Hostile.enumNumber(7)).in((b, v) -> b.setStateValue(v))
                .use(Hostile.mostly(Arbitraries.of("running", "shutoff", "crashed"), 5)).withProbability(0.7)
                .in((b, v) -> b.setLibvirtState(v))
                .use(resources()).withProbability(0.8).in((b, v) -> b.setResources(v))
                .use(Hostile.bool()).in((b, v) -> b.setFence(v))
                .build(AgentServer.Builder::build);
        Arbitrary<List<AgentServer>> flood = Arbitraries.randomValue(r -> {
            AgentServer[] all = new AgentServer[MAX_DOMAINS_PER_HEARTBEAT + 1 + r.nextInt(40_000)];
            for (int i = 0; i < all.length; i++) {
                all[i] = AgentServer.newBuilder().setServerId(new UUID(r.nextLong(), r.nextLong()).toString())
                        .setState(ServerState.SERVER_STATE_ACTIVE).build();
            }
            return List.of(all);
        });
        return Arbitraries.frequencyOf(List.of(Tuple.of(100, one.list().ofMaxSize(4)), Tuple.of(1, flood)));
    }

    Arbitrary<LaunchServerRequest> launchServer() {
        Arbitrary<String> id = Arbitraries.frequencyOf(List.of(Tuple.of(6, Hostile.uuid()),
                Tuple.of(2, known.existing(Kind.DOMAIN)), Tuple.of(1, known.existing(Kind.SERVER)),
                Tuple.of(1, Hostile.nearUuid()), Tuple.of(1, Hostile.string())));
        return Builders.withBuilder(LaunchServerRequest::newBuilder)
                .use(id).in((b, v) -> b.setServerId(v))
                .use(Hostile.mostly(Hostile.plainName(), 30)).in((b, v) -> b.setName(v))
                .use(mostly(Arbitraries.integers().between(1, 4), Hostile.uint32())).in((b, v) -> b.setVcpus(v))
                .use(mostly(Arbitraries.longs().between(16, 1024), Hostile.uint64())).in((b, v) -> b.setMemoryMib(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(5, Arbitraries.just(Tuple.of("", 0L))),
                        Tuple.of(3, Arbitraries.longs().between(1, 20).map(d -> Tuple.of(FuzzCluster.IMAGE, d))),
                        Tuple.of(2, Hostile.string().flatMap(i -> Hostile.uint64().map(d -> Tuple.of(i, d)))))))
                .in((b, v) -> b.setImage(v.get1()).setDiskGib(v.get2()))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(2, known.existing(Kind.GROUP_ID)),
                        Tuple.of(1, Hostile.string())))).withProbability(0.5).in((b, v) -> b.setGroupId(v))
                .use(Hostile.mostly(Arbitraries.of("default", "br0"), 50)).withProbability(0.15)
                .in((b, v) -> b.setNetwork(v))
                .use(Hostile.bool()).in((b, v) -> b.setFence(v))
                .build(LaunchServerRequest.Builder::build);
    }

    Arbitrary<DeleteAgentServerRequest> deleteServer() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(3, known.existing(Kind.DOMAIN)),
                        Tuple.of(1, known.existing(Kind.SERVER)), Tuple.of(1, Hostile.uuid()),
                        Tuple.of(1, Hostile.nearUuid()), Tuple.of(2, Hostile.string())))
                .map(id -> DeleteAgentServerRequest.newBuilder().setServerId(id).build());
    }

    private Arbitrary<String> serverRef() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(30, known.existing(Kind.SERVER)),
                Tuple.of(30, Hostile.uuid()), Tuple.of(10, Hostile.nearUuid()), Tuple.of(3, Hostile.string())));
    }

    /**
     * Usual values 96% of the time, hostile ones otherwise: a heartbeat has some 30 fields, and
     * a third of them should pass every check, to reach what comes after the checks.
     */
    private static <T> Arbitrary<T> mostly(Arbitrary<T> usual, Arbitrary<T> hostile) {
        return Arbitraries.frequencyOf(List.of(Tuple.of(96, usual), Tuple.of(4, hostile)));
    }
}
