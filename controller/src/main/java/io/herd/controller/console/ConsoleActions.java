package io.herd.controller.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.ServerGroup;
import io.herd.controller.api.ServerApi;
import io.herd.controller.api.ServerGroupApi;
import io.herd.controller.core.ControllerCore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The console's changes, each made through the gRPC API's own service class: a request body is
 * the request message in protobuf's JSON mapping ({@code {"name": "web", "policy":
 * "ANTI_AFFINITY", "max_per_domain": 2}}), checked by the same code as a gRPC call, so a
 * refusal names the field exactly as gRPC does. Authorisation is the caller's (the handler's).
 */
final class ConsoleActions {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than a create waits for the store before it gives up itself. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

    private ConsoleActions() {
    }

    /** Creates a server group; answers it as the gRPC API does. */
    static JsonNode createGroup(ControllerCore core, JsonNode body) {
        CreateServerGroupRequest.Builder req = CreateServerGroupRequest.newBuilder();
        parse(body, req);
        return ConsoleActions.<ServerGroup>call(o -> new ServerGroupApi(core.groups())
                .createServerGroup(req.build(), o));
    }

    /** Deletes a server group (by id or name); refused while it has members. */
    static JsonNode deleteGroup(ControllerCore core, String id) {
        return ConsoleActions.<DeleteServerGroupResponse>call(o -> new ServerGroupApi(core.groups())
                .deleteServerGroup(DeleteServerGroupRequest.newBuilder().setId(id).build(), o));
    }

    /**
     * Creates {@code count} servers, all-or-nothing; they answer BUILDING and the event stream
     * follows them to ACTIVE or ERROR. No valid host is a 409 with herd's explanation.
     */
    static JsonNode createServers(ControllerCore core, JsonNode body) {
        CreateServersRequest.Builder req = CreateServersRequest.newBuilder();
        parse(body, req);
        return ConsoleActions.<CreateServersResponse>call(o -> api(core).createServers(req.build(), o));
    }

    /** Deletes a server through its agent; the stream shows it DELETING, then gone. */
    static JsonNode deleteServer(ControllerCore core, String id) {
        return ConsoleActions.<DeleteServerResponse>call(o -> api(core)
                .deleteServer(DeleteServerRequest.newBuilder().setId(id).build(), o));
    }

    private static ServerApi api(ControllerCore core) {
        return new ServerApi(core.servers(), core.migrations(), core.flavors());
    }

    private static void parse(JsonNode body, Message.Builder into) {
        if (!body.isObject()) {
            throw ConsoleError.badRequest("the body must be a JSON object");
        }
        try {
            PARSER.merge(body.toString(), into);
        } catch (InvalidProtocolBufferException e) {
            throw ConsoleError.badRequest(e.getMessage());
        }
    }

    /**
     * Runs a unary service method and answers its response, or throws its refusal. A method may
     * answer on another thread once its work is done (a create, once its claim is on disk): this
     * waits for that, as long as a caller of the store waits.
     */
    private static <T extends Message> JsonNode call(Consumer<StreamObserver<T>> method) {
        Capture<T> capture = new Capture<>();
        method.accept(capture);
        try {
            if (!capture.done.await(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ConsoleError(503, Status.Code.UNAVAILABLE.name(), "no answer within "
                        + ANSWER_WAIT.toSeconds() + " s; retry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsoleError(503, Status.Code.UNAVAILABLE.name(), "interrupted while waiting for the answer");
        }
        if (capture.error != null) {
            throw ConsoleError.from(Status.fromThrowable(capture.error));
        }
        if (capture.response == null) {
            throw new ConsoleError(500, Status.Code.INTERNAL.name(), "the call answered nothing");
        }
        try {
            return JSON.readTree(PRINTER.print(capture.response));
        } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConsoleError(500, Status.Code.INTERNAL.name(), "the answer could not be written: " + e);
        }
    }

    /** The one answer of a unary call, given on whichever thread the method answers. */
    private static final class Capture<T extends Message> implements StreamObserver<T> {
        final CountDownLatch done = new CountDownLatch(1);
        volatile T response;
        volatile Throwable error;

        @Override
        public void onNext(T value) {
            response = value;
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }
    }
}
