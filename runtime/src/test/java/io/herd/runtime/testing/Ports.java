package io.herd.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for a test to hand to a server it starts later.
 *
 * <p>A port the kernel picks with {@code bind(0)} is an ephemeral one: once the probe is closed,
 * any outgoing connection of any process (to the database, to an agent, a client's) may take it
 * as its local port before the server binds it, and the server fails with "Address already in
 * use". So ports are taken below the kernel's ephemeral range, where outgoing connections never
 * land, each handed out once per JVM, starting at a random point so that two JVMs rarely meet.
 */
public final class Ports {

    /** The lowest port handed out: above the well-known services a test machine may run. */
    private static final int LOW = 20000;

    private static final AtomicInteger NEXT = new AtomicInteger(-1);

    private Ports() {
    }

    /** A port nothing listens on now, outside the ephemeral range when the range leaves room. */
    public static int free() {
        int high = ephemeralLow();
        if (high - LOW < 1000) {
            return kernelPicked();
        }
        int span = high - LOW;
        NEXT.compareAndSet(-1, ThreadLocalRandom.current().nextInt(span));
        for (int tried = 0; tried < span; tried++) {
            int port = LOW + Math.floorMod(NEXT.getAndIncrement(), span);
            if (bindable(port)) {
                return port;
            }
        }
        return kernelPicked();
    }

    /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
    static int ephemeralLow() {
        try {
            // readString trusts the size procfs reports, and reads too little: read a line instead
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port)); // the wildcard: taken if any address has it
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelPicked() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
