package io.herd.e2e.fuzz;

import com.google.protobuf.MessageLite;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.e2e.fuzz.Payloads.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;

/** Every RPC of the three services under test, each with where it is served and its hostile payloads. */
final class Targets {

    /** Which program serves a method. */
    enum Endpoint { CONTROLLER, AGENT }

    /** One method: its typed descriptor (to parse what is sent and answered), the raw one (to send bytes). */
    record Target(MethodDescriptor<?, ?> method, MethodDescriptor<byte[], byte[]> raw, Endpoint endpoint,
                  RandomGenerator<Payload> payloads) {

        String name() {
            return method.getFullMethodName();
        }

        boolean streaming() {
            return method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
        }
    }

    /** How far jqwik's generators reach into their value ranges. */
    private static final int GEN_SIZE = 1000;

    private Targets() {
    }

    static List<Target> all(Known known, String realHostId) {
        PublicApiRequests api = new PublicApiRequests(known);
        AgentRequests agent = new AgentRequests(known, realHostId);
        Map<MethodDescriptor<?, ?>, Arbitrary<? extends MessageLite>> requests = Map.ofEntries(
                Map.entry(ServerGroupServiceGrpc.getCreateServerGroupMethod(), api.createServerGroup()),
                Map.entry(ServerGroupServiceGrpc.getGetServerGroupMethod(), api.getServerGroup()),
                Map.entry(ServerGroupServiceGrpc.getListServerGroupsMethod(),
                        Arbitraries.just(ListServerGroupsRequest.getDefaultInstance())),
                Map.entry(ServerGroupServiceGrpc.getDeleteServerGroupMethod(), api.deleteServerGroup()),
                Map.entry(FlavorServiceGrpc.getCreateFlavorMethod(), api.createFlavor()),
                Map.entry(FlavorServiceGrpc.getGetFlavorMethod(), api.getFlavor()),
                Map.entry(FlavorServiceGrpc.getListFlavorsMethod(),
                        Arbitraries.just(ListFlavorsRequest.getDefaultInstance())),
                Map.entry(FlavorServiceGrpc.getDeleteFlavorMethod(), api.deleteFlavor()),
                Map.entry(ServerServiceGrpc.getCreateServersMethod(), api.createServers()),
                Map.entry(ServerServiceGrpc.getGetServerMethod(), api.getServer()),
                Map.entry(ServerServiceGrpc.getListServersMethod(), api.listServers()),
                Map.entry(ServerServiceGrpc.getDeleteServerMethod(), api.deleteServer()),
                Map.entry(ServerServiceGrpc.getWatchServersMethod(), api.watchServers()),
                Map.entry(ServerServiceGrpc.getMigrateServerMethod(), api.migrateServer()),
                Map.entry(HostServiceGrpc.getListHostsMethod(), Arbitraries.just(ListHostsRequest.getDefaultInstance())),
                Map.entry(HostServiceGrpc.getGetHostMethod(), api.getHost()),
                Map.entry(HostServiceGrpc.getSetHostSchedulableMethod(), api.setHostSchedulable()),
                Map.entry(HostServiceGrpc.getEvacuateHostMethod(), api.evacuateHost()),
                Map.entry(HostServiceGrpc.getDrainHostMethod(), api.drainHost()),
                Map.entry(HostServiceGrpc.getApproveHostMethod(), api.approveHost()),
                Map.entry(AgentRegistryGrpc.getHeartbeatMethod(), agent.heartbeat()),
                Map.entry(AgentServiceGrpc.getGetHostInfoMethod(),
                        Arbitraries.just(GetHostInfoRequest.getDefaultInstance())),
                Map.entry(AgentServiceGrpc.getLaunchServerMethod(), agent.launchServer()),
                Map.entry(AgentServiceGrpc.getDeleteServerMethod(), agent.deleteServer()),
                Map.entry(AgentServiceGrpc.getListServersMethod(),
                        Arbitraries.just(ListAgentServersRequest.getDefaultInstance())));
        checkEveryMethodCovered(requests.keySet());
        List<Target> targets = new ArrayList<>();
        requests.forEach((method, arbitrary) -> targets.add(new Target(method, RawCalls.raw(method),
                method.getServiceName().equals(AgentServiceGrpc.SERVICE_NAME) ? Endpoint.AGENT : Endpoint.CONTROLLER,
                Payloads.of(arbitrary).generator(GEN_SIZE, true))));
        // a fixed order, so that a seed repeats a run
        targets.sort((a, b) -> a.name().compareTo(b.name()));
        return targets;
    }

    /** A method added to a service later must get hostile requests too. */
    private static void checkEveryMethodCovered(Set<MethodDescriptor<?, ?>> covered) {
        Set<String> names = covered.stream().map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet());
        for (ServiceDescriptor service : List.of(ServerGroupServiceGrpc.getServiceDescriptor(),
                ServerServiceGrpc.getServiceDescriptor(), HostServiceGrpc.getServiceDescriptor(),
                FlavorServiceGrpc.getServiceDescriptor(),
                AgentRegistryGrpc.getServiceDescriptor(), AgentServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> m : service.getMethods()) {
                if (!names.contains(m.getFullMethodName())) {
                    throw new IllegalStateException("no hostile requests for " + m.getFullMethodName()
                            + ": add them to " + Targets.class.getSimpleName());
                }
            }
        }
    }
}
