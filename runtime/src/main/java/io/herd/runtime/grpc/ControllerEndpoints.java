package io.herd.runtime.grpc;

import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The controllers a client may call, and which of them it calls now. Controllers that share one
 * database elect a leader; the others (standbys) refuse calls with UNAVAILABLE, naming the leader
 * ({@link Leadership#LEADER}) when they know it. A client calls {@link #channel()}, and after a
 * failed call tells {@link #failed} what went wrong: the next target is the leader the answer
 * named, else the next configured address, round-robin.
 *
 * <p>A named leader is called even when it is not in the configured list: the name came from a
 * controller the channel's credentials accepted. The channels are opened when first needed,
 * kept for the next time, and closed by {@link #close()}. Safe for use by many threads.
 */
public final class ControllerEndpoints implements AutoCloseable {

    /** Opens a channel to {@code host:port}. */
    @FunctionalInterface
    public interface Opener {
        ManagedChannel open(String address);
    }

    /**
     * Where calls go after a failure.
     *
     * @param address    the new target, host:port
     * @param redirected whether a standby named it as the leader (then call it at once)
     */
    public record Next(String address, boolean redirected) {}

    private final List<String> configured;
    private final Opener opener;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private String current;
    /** Index in {@link #configured} of the last configured address used. */
    private int lastConfigured;
    private boolean closed;

    public ControllerEndpoints(List<String> addresses, Opener opener) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no controller address");
        }
        this.configured = addresses.stream().map(String::trim).toList();
        this.opener = opener;
        this.current = configured.get(0);
    }

    /** The addresses given, in order. */
    public List<String> configured() {
        return configured;
    }

    /** The address calls go to now. */
    public synchronized String current() {
        return current;
    }

    /** The channel of {@link #current()}, opened if it is not yet. */
    public synchronized ManagedChannel channel() {
        return channel(current);
    }

    /** The channel to one address, opened if it is not yet. */
    public synchronized ManagedChannel channel(String address) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        ManagedChannel ch = channels.get(address);
        if (ch == null) {
            ch = opener.open(address);
            channels.put(address, ch);
        }
        return ch;
    }

    /**
     * A call to {@code address} failed with {@code error}: moves to the leader the error names,
     * else to the next configured address. When another caller has moved on from {@code address}
     * already, the target stays where that caller put it.
     */
    public synchronized Next failed(String address, Throwable error) {
        Optional<String> leader = Leadership.leaderOf(error);
        if (!address.equals(current)) {
            return new Next(current, leader.isPresent() && leader.get().equals(current));
        }
        if (leader.isPresent() && !leader.get().equals(address)) {
            current = leader.get();
            int i = configured.indexOf(current);
            if (i >= 0) {
                lastConfigured = i;
            }
            retryNow(current);
            return new Next(current, true);
        }
        int i = configured.indexOf(address);
        // a leader not in the list has failed: go on after the configured address used last
        lastConfigured = ((i >= 0 ? i : lastConfigured) + 1) % configured.size();
        current = configured.get(lastConfigured);
        retryNow(current);
        return new Next(current, false);
    }

    /**
     * A channel that failed to connect waits out gRPC's own back-off (one second, growing to two
     * minutes) before it tries again, failing calls meanwhile: a controller restarted since
     * would be found that late. The caller backs off itself, so the channel connects at once.
     */
    private void retryNow(String address) {
        ManagedChannel ch = channels.get(address);
        if (ch != null) {
            ch.resetConnectBackoff();
        }
    }

    /** Shuts every channel down and waits a little for each to end. */
    @Override
    public void close() {
        List<ManagedChannel> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(channels.values());
            channels.clear();
        }
        open.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel ch : open) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
