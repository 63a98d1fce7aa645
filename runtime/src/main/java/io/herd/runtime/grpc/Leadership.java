package io.herd.runtime.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * How controllers that share one database tell clients which of them leads. A controller that
 * is not the leader (a standby) answers every call but health with UNAVAILABLE; its trailers
 * carry {@link #LEADER}, the leader's {@code host:port}, when one is known. The leader sends
 * its term ({@link #EPOCH}) with every call it makes to an agent, and in its heartbeat answers,
 * so that an agent can refuse a deposed leader's calls.
 */
public final class Leadership {

    /** Trailer of a standby's UNAVAILABLE: where the leader serves, host:port. */
    public static final Metadata.Key<String> LEADER = Metadata.Key.of("herd-leader", Metadata.ASCII_STRING_MARSHALLER);
    /**
     * Trailer of every refusal by a standby ("true"): a controller is there and answering, and
     * leads or names a leader within its lease, so a client retries soon rather than backing off
     * as from an unreachable controller.
     */
    public static final Metadata.Key<String> STANDBY = Metadata.Key.of("herd-standby",
            Metadata.ASCII_STRING_MARSHALLER);
    /** Header of a controller's calls to agents: the term of the leader that makes them (decimal). */
    public static final Metadata.Key<String> EPOCH = Metadata.Key.of("herd-epoch", Metadata.ASCII_STRING_MARSHALLER);

    private Leadership() {
    }

    /** The leader a standby named in its answer, if it named one. */
    public static Optional<String> leaderOf(Throwable error) {
        if (!(error instanceof StatusRuntimeException e) || e.getStatus().getCode() != Status.Code.UNAVAILABLE
                || e.getTrailers() == null) {
            return Optional.empty();
        }
        String leader = e.getTrailers().get(LEADER);
        return leader == null || leader.isBlank() ? Optional.empty() : Optional.of(leader.trim());
    }

    /** Whether a call was refused by a standby (a live controller that does not lead). */
    public static boolean fromStandby(Throwable error) {
        return error instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.UNAVAILABLE
                && e.getTrailers() != null && "true".equals(e.getTrailers().get(STANDBY));
    }

    /** The trailers of a standby's answer: that it is one, and the leader's address, when known. */
    public static Metadata trailers(Optional<String> leader) {
        Metadata m = new Metadata();
        m.put(STANDBY, "true");
        leader.ifPresent(l -> m.put(LEADER, l));
        return m;
    }

    /** The epoch in a call's headers; 0 when it carries none (a controller without a shared store). */
    public static long epochOf(Metadata headers) {
        String value = headers.get(EPOCH);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
