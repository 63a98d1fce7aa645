package io.herd.agent.main;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.herd.runtime.grpc.Peers;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With TLS, only a herd controller may call AgentService: the client certificate (which the
 * CA signed, or the handshake would have failed) must name role controller. An agent's or an
 * operator's certificate is refused with PERMISSION_DENIED, naming what was presented.
 */
final class ControllerOnly implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerOnly.class);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        Optional<Identity> caller = Peers.certificate(call);
        if (caller.isPresent() && caller.get().has(Role.CONTROLLER)) {
            return next.startCall(call, headers);
        }
        String presented = caller.map(id -> "presented " + id.describe()).orElse("presented no certificate");
        LOG.warn("refused {} from {}: the caller {}", call.getMethodDescriptor().getFullMethodName(),
                Peers.address(call), presented);
        call.close(Status.PERMISSION_DENIED.withDescription("AgentService accepts only a herd controller's "
                + "certificate (OU=" + Role.CONTROLLER.label() + "); the caller " + presented), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
