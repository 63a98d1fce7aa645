package io.herd.runtime.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bytes that are not a valid message of the method's type are answered with
 * INVALID_ARGUMENT and one log line, not with INTERNAL and a stack trace (which is what a
 * service gets when the parse fails inside grpc). The service receives the raw bytes, this
 * parses them with the method's own marshaller, and only a parsed message goes on. A call
 * that must carry exactly one request and carries none, or more, is refused the same way.
 */
public final class StrictRequests {

    private static final Logger LOG = LoggerFactory.getLogger(StrictRequests.class);
    /** At most one log line per this many refusals after the first 10, so a flood stays small. */
    private static final long LOG_EVERY = 1000;
    private static final AtomicLong REFUSED = new AtomicLong();

    private StrictRequests() {
    }

    public static ServerServiceDefinition wrap(ServerServiceDefinition service) {
        ServerServiceDefinition raw = ServerInterceptors.useInputStreamMessages(service);
        return ServerInterceptors.intercept(raw, new Guard());
    }

    /** How many requests were refused as unparseable since start. */
    public static long refused() {
        return REFUSED.get();
    }

    private static final class Guard implements ServerInterceptor {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                     ServerCallHandler<ReqT, RespT> next) {
            ServerCall.Listener<ReqT> inner = next.startCall(call, headers);
            boolean single = call.getMethodDescriptor().getType().clientSendsOneMessage();
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
                private boolean refused;
                private int messages;

                @Override
                public void onMessage(ReqT message) {
                    if (refused) {
                        return;
                    }
                    if (single && ++messages > 1) {
                        refuse("more than one request message", "carries more than one request");
                        return;
                    }
                    try {
                        super.onMessage(message);
                    } catch (RuntimeException e) {
                        // only parsing happens here: the services act on half-close
                        refuse(String.valueOf(e.getMessage()), "is not a valid message for "
                                + call.getMethodDescriptor().getFullMethodName());
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!refused && single && messages == 0) {
                        refuse("no request message", "carries no request");
                    }
                    if (!refused) {
                        super.onHalfClose();
                    }
                }

                private void refuse(String why, String answer) {
                    refused = true;
                    long n = REFUSED.incrementAndGet();
                    if (n <= 10 || n % LOG_EVERY == 0) {
                        LOG.warn("refused a request to {} from {}: {}; {} refused since start",
                                call.getMethodDescriptor().getFullMethodName(), Peers.address(call), why, n);
                    }
                    call.close(Status.INVALID_ARGUMENT.withDescription("the call " + answer), new Metadata());
                }
            };
        }
    }
}
