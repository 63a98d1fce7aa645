package io.herd.e2e.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.herd.runtime.testing.RawRequests;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls any method with any bytes: each request message goes on the wire exactly as given (so it
 * may be no valid message at all, and a call may carry none or several), and the answer comes
 * back as bytes.
 */
final class RawCalls {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);


    /** How a call ended: its status, and the first answer's bytes when it was OK. */
    record Answer(Status status, byte[] response) {
    }

    /** What to send: the messages (usually one), a compression to send them with, the authorization header. */
    record Request(List<byte[]> messages, String compression, String authorization) {
    }

    private RawCalls() {
    }

    /** The same method, taking and giving bytes. */
    static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> typed) {
        return RawRequests.method(typed.getFullMethodName(), typed.getType());
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

    /**
     * Starts a call; the answer completes when the server closes it (the deadline bounds that).
     * Messages after the first are read and dropped.
     */
    static CompletableFuture<Answer> call(Channel channel, MethodDescriptor<byte[], byte[]> method, Request request,
                                          Duration deadline) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (request.compression() != null) {
            options = options.withCompression(request.compression());
        }
        ClientCall<byte[], byte[]> call = channel.newCall(method, options);
        Metadata headers = new Metadata();
        if (request.authorization() != null) {
            headers.put(AUTHORIZATION, request.authorization());
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            private byte[] first;

            @Override
            public void onMessage(byte[] message) {
                if (first == null) {
                    first = message;
                }
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                answer.complete(new Answer(status, status.isOk() ? first : null));
            }
        }, headers);
        call.request(1);
        for (byte[] m : request.messages()) {
            call.sendMessage(m);
        }
        call.halfClose();
        return answer;
    }
}
