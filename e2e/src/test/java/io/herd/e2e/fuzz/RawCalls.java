package io.herd.e2e.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Calls any method with any bytes: the request goes on the wire exactly as given (so it may be no
 * valid message at all), and the answer comes back as bytes.
 */
final class RawCalls {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** How a call ended: its status, and the answer's bytes when it was a unary OK. */
    record Answer(Status status, byte[] response) {
    }

    private RawCalls() {
    }

    /** The same method, taking and giving bytes. */
    static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> typed) {
        return MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES)
                .setType(typed.getType())
                .setFullMethodName(typed.getFullMethodName())
                .build();
    }

    /** The method's request message as the server parses it, or empty when the bytes are none. */
    static Optional<MessageLite> parseRequest(MethodDescriptor<?, ?> typed, byte[] bytes) {
        return parse(typed.getRequestMarshaller(), bytes);
    }

    static Optional<MessageLite> parseResponse(MethodDescriptor<?, ?> typed, byte[] bytes) {
        return parse(typed.getResponseMarshaller(), bytes);
    }

    private static Optional<MessageLite> parse(MethodDescriptor.Marshaller<?> marshaller, byte[] bytes) {
        MessageLite prototype = (MessageLite) ((MethodDescriptor.PrototypeMarshaller<?>) marshaller)
                .getMessagePrototype();
        try {
            return Optional.of(prototype.getParserForType().parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    static Answer unary(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration deadline) {
        try {
            byte[] response = ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
            return new Answer(Status.OK, response);
        } catch (StatusRuntimeException e) {
            return new Answer(e.getStatus(), null);
        }
    }

    /**
     * Starts a server-streaming call; {@code done} gets its status when it ends. Messages are
     * read and dropped. grpc may hold on to an ended call for a while: {@code done} is let go
     * once called, so that what it refers to (a request of megabytes) is not held with it.
     */
    static void stream(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration deadline,
                       Consumer<Status> done) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        AtomicReference<Consumer<Status>> once = new AtomicReference<>(done);
        ClientCalls.asyncServerStreamingCall(channel.newCall(method, options), request, new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                // only how the stream ends is judged
            }

            @Override
            public void onError(Throwable t) {
                end(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end(Status.OK);
            }

            private void end(Status status) {
                Consumer<Status> d = once.getAndSet(null);
                if (d != null) {
                    d.accept(status);
                }
            }
        });
    }
}
