package io.herd.controller.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.herd.runtime.grpc.Peers;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is calling, and whether they may: the caller is the bearer token's identity when the
 * call carries one, else the client certificate's, else nobody. Nobody gets UNAUTHENTICATED;
 * an identity whose role does not cover the RPC ({@link AccessRules}) gets PERMISSION_DENIED.
 * In the open mode (no TLS, no tokens file: demos and tests) everyone may do everything.
 * Without TLS, heartbeats need no identity (there is none to give). The caller is in the
 * call's {@link #CALLER} context; every change, allowed or refused, goes into the audit log.
 */
public final class AccessControl implements ServerInterceptor {

    /** The caller of the current call. */
    public static final Context.Key<Identity> CALLER = Context.key("herd-caller");

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String HEARTBEAT = "herd.v1.AgentRegistry/Heartbeat";
    /** A heartbeat without TLS: the agent cannot say who it is. */
    private static final Identity PLAINTEXT_AGENT = new Identity("plaintext agent", Optional.of(Role.AGENT),
            Identity.Via.NONE, List.of());

    private final boolean tls;
    private final Tokens tokens;
    private final AuditLog audit;

    /**
     * @param tls    whether the server authenticates clients with certificates
     * @param tokens the bearer tokens, or null for none
     */
    public AccessControl(boolean tls, Tokens tokens, AuditLog audit) {
        this.tls = tls;
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Without TLS and tokens nobody can be authenticated, and everyone may do everything. */
    public boolean open() {
        return !tls && tokens == null;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Identity who;
        Status refusal = null;
        if (open()) {
            who = method.equals(HEARTBEAT) ? PLAINTEXT_AGENT : Identity.OPEN;
        } else {
            Optional<Identity> found = Optional.empty();
            String authorization = headers.get(AUTHORIZATION);
            if (authorization != null) {
                found = token(authorization);
                if (found.isEmpty()) {
                    refusal = Status.UNAUTHENTICATED.withDescription("the bearer token is not one this controller "
                            + "knows (auth.tokens_file)");
                }
            } else {
                found = Peers.certificate(call);
                if (found.isEmpty() && !tls && method.equals(HEARTBEAT)) {
                    found = Optional.of(PLAINTEXT_AGENT);
                }
                if (found.isEmpty()) {
                    refusal = Status.UNAUTHENTICATED.withDescription(method + " needs a client certificate signed "
                            + "by herd's CA, or a bearer token (metadata authorization: Bearer TOKEN)");
                }
            }
            who = found.orElse(new Identity("unauthenticated", Optional.empty(), Identity.Via.NONE,
                    List.of()));
            if (refusal == null) {
                refusal = permission(method, who);
            }
        }
        if (refusal != null) {
            audit.refused(method, who, Peers.address(call), refusal);
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Context context = Context.current().withValue(CALLER, who);
        if (!AccessRules.mutates(method)) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        AuditLog.Entry entry = audit.begin(method, who, Peers.address(call));
        ServerCall<ReqT, RespT> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                entry.end(status);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, observed, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(ReqT message) {
                entry.request(message);
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                entry.end(Status.CANCELLED.withDescription("the client went away"));
                super.onCancel();
            }
        };
    }

    private Optional<Identity> token(String authorization) {
        String value = authorization.strip();
        if (tokens == null || !value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return Optional.empty();
        }
        return tokens.lookup(value.substring(7).strip());
    }

    private static Status permission(String method, Identity who) {
        Optional<Role> needed = AccessRules.needed(method);
        if (needed.isEmpty()) {
            return Status.PERMISSION_DENIED.withDescription(method + " is open to nobody");
        }
        if (!who.has(needed.get())) {
            return Status.PERMISSION_DENIED.withDescription(who.describe() + " may not call " + method
                    + ": it needs the " + needed.get().label() + " role");
        }
        return null;
    }

    /** The caller of the current call (the open identity outside a call). */
    public static Identity caller() {
        Identity who = CALLER.get();
        return who == null ? Identity.OPEN : who;
    }
}
