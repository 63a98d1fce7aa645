package io.herd.controller.ha;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.herd.runtime.grpc.Leadership;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's services as the gRPC server binds them once, forwarding each call to the
 * services of the current term: those of the core this controller leads with. Without one (a
 * standby, or a leader still loading its state) every call is answered UNAVAILABLE, naming the
 * leader in the message and in the {@link Leadership#LEADER} trailer when it is known.
 */
public final class TermServices {

    /** What the controller is doing now. */
    private record State(Map<String, ServerServiceDefinition> services, String why, Optional<String> leader) {
    }

    private final List<ServiceDescriptor> descriptors;
    private volatile State state = new State(Map.of(), "this controller is starting", Optional.empty());

    public TermServices(List<ServiceDescriptor> descriptors) {
        this.descriptors = List.copyOf(descriptors);
    }

    /** Serves these services (one per descriptor) from now on. */
    public void serve(List<BindableService> services) {
        Map<String, ServerServiceDefinition> bound = new HashMap<>();
        for (BindableService s : services) {
            ServerServiceDefinition d = s.bindService();
            bound.put(d.getServiceDescriptor().getName(), d);
        }
        state = new State(Map.copyOf(bound), "", Optional.empty());
    }

    /**
     * Stops serving: every call from now on is answered UNAVAILABLE with {@code why}, and the
     * leader's address when known.
     */
    public void refuse(String why, Optional<String> leader) {
        state = new State(Map.of(), why, leader);
    }

    /** Why calls are refused now, naming the leader when it is known; empty while serving. */
    public String refusal() {
        State s = state;
        return s.services().isEmpty() ? refusal(s) : "";
    }

    private static String refusal(State s) {
        return s.why() + s.leader().map(l -> "; the leader is " + l + ": call it there").orElse(
                "; no leader is known yet: retry in a moment");
    }

    /** The definitions to bind: one per descriptor, each forwarding to the current term. */
    public List<ServerServiceDefinition> definitions() {
        return descriptors.stream().map(this::forwarding).toList();
    }

    private ServerServiceDefinition forwarding(ServiceDescriptor descriptor) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor);
        for (MethodDescriptor<?, ?> m : descriptor.getMethods()) {
            add(b, descriptor.getName(), m);
        }
        return b.build();
    }

    private <Q, R> void add(ServerServiceDefinition.Builder b, String service, MethodDescriptor<Q, R> method) {
        b.addMethod(method, (ServerCall<Q, R> call, Metadata headers) -> {
            State s = state;
            ServerServiceDefinition current = s.services().get(service);
            ServerMethodDefinition<?, ?> target = current == null ? null
                    : current.getMethod(method.getFullMethodName());
            if (target == null) {
                call.close(Status.UNAVAILABLE.withDescription(refusal(s)), Leadership.trailers(s.leader()));
                return new ServerCall.Listener<>() {
                };
            }
            @SuppressWarnings("unchecked") // the same method descriptor, so the same request and response types
            ServerCallHandler<Q, R> handler = (ServerCallHandler<Q, R>) target.getServerCallHandler();
            return handler.startCall(call, headers);
        });
    }
}
