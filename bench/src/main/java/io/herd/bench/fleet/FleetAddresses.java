package io.herd.bench.fleet;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The loopback address of each simulated host: host {@code i} is 127.0.0.0 + 65,536 + i
 * (127.1.0.0, 127.1.0.1, ...), so up to 16 million hosts share one port, each dialled at an
 * address of its own, as the controller dials real agents. Linux routes all of 127/8 to the
 * loopback interface.
 */
final class FleetAddresses {

    /** The most hosts that have an address: 127.1.0.0 to 127.255.255.254. */
    static final int MAX_HOSTS = (255 << 16) - 2;

    private static final int BASE = 1 << 16;

    private FleetAddresses() {
    }

    static String of(int index) {
        int a = BASE + index;
        return "127." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    /** The host index of a loopback address, or -1 when it is not one of the fleet's. */
    static int indexOf(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4 || b[0] != 127) {
            return -1;
        }
        int a = (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
        return a < BASE ? -1 : a - BASE;
    }

    static InetAddress address(int index) {
        try {
            return InetAddress.getByName(of(index));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address did not parse", e);
        }
    }
}
