package io.herd.runtime.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bytes that are not a valid message of the method's type are answered with
 * INVALID_ARGUMENT and one log line, not with INTERNAL and a stack trace (which is what a
 * service gets when the parse fails inside grpc). Each method's request parser hands back
 * null instead of throwing, and the listener just in front of the service refuses a null.
 * The program's interceptors run before it, so an unparseable request is refused only once
 * the caller is authenticated, and its refusal is seen (and audited) by them like any other
 * answer; they must pass a null message on untouched. A call that must carry exactly one
 * request and carries none, or more, is refused the same way.
 */
public final class StrictRequests {

    private static final Logger LOG = LoggerFactory.getLogger(StrictRequests.class);
    /** After the first 10, one log line per this many refusals, so a flood stays small. */
    private static final long LOG_EVERY = 1000;
    private static final AtomicLong REFUSED = new AtomicLong();

    private StrictRequests() {
    }

    /**
     * The service with lenient parsers, its calls passing through {@code interceptors} (the
     * first runs first) and then the check for unparseable requests.
     */
    public static ServerServiceDefinition wrap(ServerServiceDefinition service, List<ServerInterceptor> interceptors) {
        // the same service to reflection (its schema), with the lenient parsers
        ServiceDescriptor old = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName())
                .setSchemaDescriptor(old.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> lenient = lenient(m);
            descriptor.addMethod(lenient.getMethodDescriptor());
            methods.add(lenient);
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        ServerServiceDefinition lenient = b.build();
        List<ServerInterceptor> chain = new java.util.ArrayList<>(interceptors);
        chain.add(new Guard());
        // ServerInterceptors.intercept runs the last one given first
        java.util.Collections.reverse(chain);
        return ServerInterceptors.intercept(lenient, chain);
    }

    /** How many requests were refused as unparseable since start. */
    public static long refused() {
        return REFUSED.get();
    }

    private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> lenient(ServerMethodDefinition<ReqT, RespT> m) {
        MethodDescriptor<ReqT, RespT> d = m.getMethodDescriptor();
        MethodDescriptor<ReqT, RespT> lenient = d.toBuilder(new Lenient<>(d.getRequestMarshaller()),
                d.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(lenient, m.getServerCallHandler());
    }

    /** The method's parser, answering null for bytes it cannot parse. */
    private record Lenient<T>(MethodDescriptor.Marshaller<T> inner) implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return inner.stream(value);
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return inner.parse(stream);
            } catch (RuntimeException e) {
                return null;
            }
        }
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
                    if (message == null) {
                        refuse("not a valid " + call.getMethodDescriptor().getFullMethodName() + " request",
                                "is not a valid message for " + call.getMethodDescriptor().getFullMethodName());
                    } else if (single && ++messages > 1) {
                        refuse("more than one request message", "carries more than one request");
                    } else {
                        super.onMessage(message);
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
