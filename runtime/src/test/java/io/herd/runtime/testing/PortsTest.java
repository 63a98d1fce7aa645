package io.herd.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsAreHandedOutOnceBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ports.add(Ports.free());
        }
        assertThat(ports).hasSize(50);
        if (Ports.ephemeralLow() >= 21000) {
            assertThat(ports).allSatisfy(p -> assertThat(p).isBetween(20000, Ports.ephemeralLow() - 1));
        }
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortSomethingListensOnIsNotHandedOut() throws Exception {
        int first = Ports.free();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", first + 1));
            int second = Ports.free();
            assertThat(second).isNotEqualTo(first + 1).isNotEqualTo(first);
        }
    }
}
