package io.herd.e2e.fuzz;

import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.GetFlavorRequest;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.api.v1.WatchServersRequest;
import io.herd.e2e.fuzz.Known.Kind;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Hostile requests for ServerGroupService, ServerService, HostService and FlavorService: mostly
 * well-formed messages whose fields are hostile, naming existing objects as often as random ones.
 */
final class PublicApiRequests {

    /** Names of CreateServers, CreateServerGroup and CreateFlavor requests looked for afterwards. */
    static final String SERVER_PREFIX = "fz-s-";
    static final String GROUP_PREFIX = "fz-g-";
    static final String FLAVOR_PREFIX = "fz-f-";

    private final Known known;

    PublicApiRequests(Known known) {
        this.known = known;
    }

    Arbitrary<CreateServerGroupRequest> createServerGroup() {
        return Builders.withBuilder(CreateServerGroupRequest::newBuilder)
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(7, Hostile.uniqueName(GROUP_PREFIX)),
                        Tuple.of(1, known.existing(Kind.GROUP_NAME)), Tuple.of(2, Hostile.string()))))
                .in((b, v) -> b.setName(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(7, Arbitraries.integers().between(1, 4)),
                        Tuple.of(3, Hostile.enumNumber(5))))).in((b, v) -> b.setPolicyValue(v))
                .use(Hostile.enumNumber(4)).withProbability(0.7).in((b, v) -> b.setScopeValue(v))
                .use(Hostile.uint32()).withProbability(0.5).in((b, v) -> b.setMaxPerDomain(v))
                .use(Hostile.enumNumber(3)).withProbability(0.5).in((b, v) -> b.setOnHostFailureValue(v))
                .build(CreateServerGroupRequest.Builder::build);
    }

    Arbitrary<GetServerGroupRequest> getServerGroup() {
        return groupRef().map(id -> GetServerGroupRequest.newBuilder().setId(id).build());
    }

    Arbitrary<DeleteServerGroupRequest> deleteServerGroup() {
        return groupRef().map(id -> DeleteServerGroupRequest.newBuilder().setId(id).build());
    }

    Arbitrary<CreateServersRequest> createServers() {
        return Builders.withBuilder(CreateServersRequest::newBuilder)
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(8, Hostile.uniqueName(SERVER_PREFIX)),
                        Tuple.of(2, Hostile.string()))))
                .in((b, v) -> b.setName(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(9, Arbitraries.integers().between(1, 4)),
                        Tuple.of(1, Hostile.uint32()))))
                .in((b, v) -> b.setVcpus(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(9, Arbitraries.longs().between(16, 2048)),
                        Tuple.of(1, Hostile.uint64()))))
                .in((b, v) -> b.setMemoryMib(v))
                .use(disk()).in((b, v) -> b.setImage(v.get1()).setDiskGib(v.get2()))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(5, Arbitraries.just("")),
                        Tuple.of(4, known.existing(Kind.GROUP_ID)), Tuple.of(1, groupRef()))))
                .in((b, v) -> b.setGroupId(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(9, Arbitraries.integers().between(0, 3)),
                        Tuple.of(1, Hostile.uint32()))))
                .in((b, v) -> b.setCount(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(6, Arbitraries.just("")),
                        Tuple.of(3, Arbitraries.integers().between(0, 15).map(i -> "fz-request-" + i)),
                        Tuple.of(1, Hostile.string()))))
                .in((b, v) -> b.setRequestId(v))
                .use(Hostile.mostly(Arbitraries.of("", "", "", "default"), 10)).in((b, v) -> b.setNetwork(v))
                .use(flavorRef()).withProbability(0.2)
                .in((b, v) -> b.setFlavor(v).clearVcpus().clearMemoryMib().clearDiskGib())
                .use(metadata()).withProbability(0.3).in((b, v) -> b.putAllMetadata(v))
                .build(CreateServersRequest.Builder::build);
    }

    /** Mostly a few fair pairs; now and then too many, or keys and values too long or empty. */
    private static Arbitrary<java.util.Map<String, String>> metadata() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(6, Arbitraries.maps(Hostile.plainName(), Hostile.plainName()).ofMaxSize(5)),
                Tuple.of(2, Arbitraries.maps(Hostile.string(), Hostile.string()).ofMaxSize(5)),
                Tuple.of(1, Arbitraries.maps(Hostile.plainName(), Hostile.plainName()).ofMinSize(120)
                        .ofMaxSize(140))));
    }

    Arbitrary<CreateFlavorRequest> createFlavor() {
        return Builders.withBuilder(CreateFlavorRequest::newBuilder)
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(7, Hostile.uniqueName(FLAVOR_PREFIX)),
                        Tuple.of(1, known.existing(Kind.FLAVOR_NAME)), Tuple.of(2, Hostile.string()))))
                .in((b, v) -> b.setName(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(8, Arbitraries.integers().between(1, 4)),
                        Tuple.of(2, Hostile.uint32()))))
                .in((b, v) -> b.setVcpus(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(8, Arbitraries.longs().between(16, 2048)),
                        Tuple.of(2, Hostile.uint64()))))
                .in((b, v) -> b.setMemoryMib(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(8, Arbitraries.longs().between(0, 20)),
                        Tuple.of(2, Hostile.uint64()))))
                .in((b, v) -> b.setDiskGib(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(1, known.existing(Kind.FLAVOR_ID)),
                        Tuple.of(3, Hostile.string()))))
                .withProbability(0.3).in((b, v) -> b.setId(v))
                .build(CreateFlavorRequest.Builder::build);
    }

    Arbitrary<GetFlavorRequest> getFlavor() {
        return flavorRef().map(id -> GetFlavorRequest.newBuilder().setId(id).build());
    }

    Arbitrary<DeleteFlavorRequest> deleteFlavor() {
        return flavorRef().map(id -> DeleteFlavorRequest.newBuilder().setId(id).build());
    }

    /** The image and the root disk size: coherent most of the time. */
    private static Arbitrary<Tuple2<String, Long>> disk() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(5, Arbitraries.just(Tuple.of("", 0L))),
                Tuple.of(4, Arbitraries.longs().between(1, 20).map(d -> Tuple.of(FuzzCluster.IMAGE, d))),
                Tuple.of(1, Arbitraries.frequencyOf(List.of(Tuple.of(1, Arbitraries.just(FuzzCluster.IMAGE)),
                        Tuple.of(3, Hostile.string()))).flatMap(i -> Hostile.uint64().map(d -> Tuple.of(i, d))))));
    }

    Arbitrary<GetServerRequest> getServer() {
        return serverRef().map(id -> GetServerRequest.newBuilder().setId(id).build());
    }

    Arbitrary<ListServersRequest> listServers() {
        return Builders.withBuilder(ListServersRequest::newBuilder)
                .use(groupRef()).withProbability(0.4).in((b, v) -> b.setGroupId(v))
                .use(hostRef()).withProbability(0.4).in((b, v) -> b.setHost(v))
                .use(Hostile.enumNumber(7)).withProbability(0.5).in((b, v) -> b.setStateValue(v))
                .build(ListServersRequest.Builder::build);
    }

    Arbitrary<DeleteServerRequest> deleteServer() {
        return Combinators.combine(serverRef(), Hostile.bool())
                .as((id, force) -> DeleteServerRequest.newBuilder().setId(id).setForce(force).build());
    }

    Arbitrary<MigrateServerRequest> migrateServer() {
        return Combinators.combine(serverRef(), Arbitraries.frequencyOf(List.of(Tuple.of(1, Arbitraries.just("")),
                        Tuple.of(2, hostRef()))))
                .as((id, to) -> MigrateServerRequest.newBuilder().setId(id).setToHost(to).build());
    }

    Arbitrary<WatchServersRequest> watchServers() {
        Arbitrary<List<String>> few = serverRef().list().ofMaxSize(5);
        Arbitrary<List<String>> many = Arbitraries.randomValue(r -> {
            int n = 10_000 + r.nextInt(100_000);
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = new java.util.UUID(r.nextLong(), r.nextLong()).toString();
            }
            return List.of(ids);
        });
        return Builders.withBuilder(WatchServersRequest::newBuilder)
                .use(groupRef()).withProbability(0.3).in((b, v) -> b.setGroupId(v))
                .use(Arbitraries.frequencyOf(List.of(Tuple.of(30, few), Tuple.of(1, many))))
                .in((b, v) -> b.addAllServerIds(v))
                .build(WatchServersRequest.Builder::build);
    }

    Arbitrary<GetHostRequest> getHost() {
        return hostRef().map(id -> GetHostRequest.newBuilder().setId(id).build());
    }

    Arbitrary<ApproveHostRequest> approveHost() {
        return hostRef().map(id -> ApproveHostRequest.newBuilder().setId(id).build());
    }

    Arbitrary<EvacuateHostRequest> evacuateHost() {
        return hostRef().map(id -> EvacuateHostRequest.newBuilder().setId(id).build());
    }

    Arbitrary<SetHostSchedulableRequest> setHostSchedulable() {
        return Builders.withBuilder(SetHostSchedulableRequest::newBuilder)
                .use(hostRef()).in((b, v) -> b.setId(v))
                .use(Hostile.bool()).in((b, v) -> b.setSchedulable(v))
                .use(Hostile.mostly(Arbitraries.of("fuzz", "DIMM replacement"), 25)).withProbability(0.9)
                .in((b, v) -> b.setReason(v))
                .build(SetHostSchedulableRequest.Builder::build);
    }

    Arbitrary<DrainHostRequest> drainHost() {
        return Combinators.combine(hostRef(), Hostile.mostly(Arbitraries.just("fuzz"), 25))
                .as((id, reason) -> DrainHostRequest.newBuilder().setId(id).setReason(reason).build());
    }

    private Arbitrary<String> groupRef() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(3, known.existing(Kind.GROUP_ID)),
                Tuple.of(2, known.existing(Kind.GROUP_NAME)), Tuple.of(1, Hostile.uuid()),
                Tuple.of(1, Hostile.nearUuid()), Tuple.of(3, Hostile.string())));
    }

    private Arbitrary<String> flavorRef() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(3, known.existing(Kind.FLAVOR_ID)),
                Tuple.of(3, known.existing(Kind.FLAVOR_NAME)), Tuple.of(1, Hostile.uuid()),
                Tuple.of(2, Hostile.string())));
    }

    private Arbitrary<String> serverRef() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(6, known.existing(Kind.SERVER)),
                Tuple.of(1, Hostile.uuid()), Tuple.of(1, Hostile.nearUuid()), Tuple.of(2, Hostile.string())));
    }

    private Arbitrary<String> hostRef() {
        return Arbitraries.frequencyOf(List.of(Tuple.of(3, known.existing(Kind.HOST_ID)),
                Tuple.of(2, known.existing(Kind.HOST_NAME)), Tuple.of(1, Hostile.nearUuid()),
                Tuple.of(2, Hostile.string())));
    }
}
