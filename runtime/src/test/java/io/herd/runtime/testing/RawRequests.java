package io.herd.runtime.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Calls a gRPC method with any bytes for a request: they go on the wire exactly as given,
 * valid message or not, and the answer comes back as bytes.
 */
public final class RawRequests {

    /** Bytes as they are, both ways. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    private RawRequests() {
    }

    /** The method of this name and type, taking and giving bytes. */
    public static MethodDescriptor<byte[], byte[]> method(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder(BYTES, BYTES).setType(type)
                .setFullMethodName(fullMethodName).build();
    }

    /** One unary call with {@code request} for its request message; throws its status unless OK. */
    public static byte[] unary(Channel channel, String fullMethodName, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, method(fullMethodName, MethodDescriptor.MethodType.UNARY),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
    }
}
