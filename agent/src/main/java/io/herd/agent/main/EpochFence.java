package io.herd.agent.main;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.herd.agent.registration.ControllerEpoch;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.runtime.grpc.Leadership;
import io.herd.runtime.grpc.Peers;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses the calls of a deposed leader. Each call to AgentService carries the term of the
 * controller that makes it ({@code herd-epoch}); one lower than the highest this agent has seen
 * (from a call or a heartbeat answer) comes from a controller that no longer leads, and is
 * refused with FAILED_PRECONDITION before it does anything. A call without the header counts as
 * epoch 0, a controller without a shared store: accepted only while no term has been seen.
 * Reads (GetHostInfo, ListServers) change nothing and are answered whatever term they carry:
 * operators and tools read an agent without being a leader.
 */
final class EpochFence implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(EpochFence.class);

    /** Calls that change nothing. */
    private static final Set<String> READS = Set.of(AgentServiceGrpc.getGetHostInfoMethod().getFullMethodName(),
            AgentServiceGrpc.getListServersMethod().getFullMethodName());

    private final ControllerEpoch epochs;

    EpochFence(ControllerEpoch epochs) {
        this.epochs = epochs;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        long epoch = Leadership.epochOf(headers);
        if (epoch < 0) {
            return refuse(call, Status.INVALID_ARGUMENT.withDescription("the " + Leadership.EPOCH.name()
                    + " header must be a decimal term number, was '" + headers.get(Leadership.EPOCH) + "'"));
        }
        // raised first: a call that comes from a newer term than any seen is what deposes the old one
        epochs.observe(epoch);
        long highest = epochs.highest();
        if (epoch < highest && !READS.contains(call.getMethodDescriptor().getFullMethodName())) {
            String from = epoch == 0
                    ? "carries no " + Leadership.EPOCH.name() + " header (a controller without a shared store)"
                    : "comes from a controller whose term (epoch " + epoch + ") has ended";
            LOG.warn("refused {} from {}: it {}; the leader's epoch is {}",
                    call.getMethodDescriptor().getFullMethodName(), Peers.address(call), from, highest);
            return refuse(call, Status.FAILED_PRECONDITION.withDescription("refused: this call " + from
                    + "; the leader's epoch is " + highest));
        }
        return next.startCall(call, headers);
    }

    private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, RespT> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
