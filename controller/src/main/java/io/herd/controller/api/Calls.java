package io.herd.controller.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herd.common.BackgroundWork;
import io.herd.common.InvalidFieldException;
import io.herd.controller.core.ControllerException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one unary call, answered at once or when a future completes, and turns the core's
 * refusals into gRPC statuses.
 */
final class Calls {

    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    private Calls() {
    }

    static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(error(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    /** A call answered when the future the call returns completes, on the thread that completes it. */
    static <T> void unaryAsync(StreamObserver<T> observer, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(error(e));
            return;
        }
        // on the thread that completes it (background work): an Error stops the program there, as it does
        // in any background work, instead of vanishing into the future with the caller never answered
        response.whenComplete((r, e) -> BackgroundWork.run("answering a call", () -> {
            if (e == null) {
                observer.onNext(r);
                observer.onCompleted();
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            observer.onError(cause instanceof RuntimeException re ? error(re)
                    : Status.INTERNAL.withDescription(cause.toString()).asRuntimeException());
        }));
    }

    /** Ends the call with the status of what it threw. */
    static void fail(StreamObserver<?> observer, RuntimeException e) {
        observer.onError(error(e));
    }

    /** The status a call that threw ends with. */
    private static StatusRuntimeException error(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof ControllerException c) {
            return status(c).asRuntimeException();
        }
        if (e instanceof InvalidFieldException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        LOG.error("internal error", e);
        return Status.INTERNAL.withDescription(e.toString()).asRuntimeException();
    }

    static Status status(ControllerException e) {
        Status code = switch (e.kind()) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
        };
        return code.withDescription(e.getMessage());
    }
}
