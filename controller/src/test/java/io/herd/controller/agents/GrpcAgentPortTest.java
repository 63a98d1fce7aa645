package io.herd.controller.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.herd.api.v1.AgentServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GrpcAgentPortTest {

    @Test
    void connectOpensOneConnectionToTheAgentBeforeAnyCall() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        Server agent = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AgentServiceGrpc.AgentServiceImplBase() { })
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        connections.incrementAndGet();
                        return attributes;
                    }
                })
                .build().start();
        try (GrpcAgentPort port = new GrpcAgentPort(Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            String address = "127.0.0.1:" + agent.getPort();
            assertThat(connections.get()).isZero();
            // an address no channel can be made for, and an agent that is not there: neither stops the others
            port.connect("[not an address");
            port.connect("127.0.0.1:1");
            port.connect(address);
            await().until(() -> connections.get() == 1);
            port.forTerm(7).connect(address);
            port.connect("");
            // the same channel: a second connection would have been counted by now, as the first was
            assertThatThrownBy(() -> port.delete(address, "s-1")).hasMessageContaining("UNIMPLEMENTED");
            assertThat(connections.get()).isEqualTo(1);
        } finally {
            agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
