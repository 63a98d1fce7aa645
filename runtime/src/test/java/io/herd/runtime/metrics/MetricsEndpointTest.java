package io.herd.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.runtime.config.HostPort;
import io.herd.runtime.grpc.GrpcServer;
import io.herd.runtime.testing.MetricsScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final String METHOD = "herd.v1.ServerGroupService/GetServerGroup";

    /** Answers GetServerGroup with the id asked for, and refuses an empty id. */
    static final class Echo extends ServerGroupServiceGrpc.ServerGroupServiceImplBase {
        @Override
        public void getServerGroup(GetServerGroupRequest req, StreamObserver<ServerGroup> out) {
            if (req.getId().isEmpty()) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(ServerGroup.newBuilder().setId(req.getId()).build());
            out.onCompleted();
        }
    }

    @Test
    void callsAreCountedByMethodAndCodeAndServedWithTheJvmsMetrics() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (MetricsEndpoint metrics = MetricsEndpoint.start(new HostPort("127.0.0.1", 0), registry);
             GrpcServer server = GrpcServer.builder().tcp(new HostPort("127.0.0.1", 0))
                     .interceptor(new GrpcServerMetrics(registry)).service(new Echo()).start()) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                var stub = ServerGroupServiceGrpc.newBlockingStub(channel);
                stub.getServerGroup(GetServerGroupRequest.newBuilder().setId("g1").build());
                stub.getServerGroup(GetServerGroupRequest.newBuilder().setId("g2").build());
                assertThatThrownBy(() -> stub.getServerGroup(GetServerGroupRequest.getDefaultInstance()))
                        .isInstanceOf(StatusRuntimeException.class);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(metrics.port()).isPositive();
            MetricsScrape scrape = MetricsScrape.of(metrics.port());
            assertThat(scrape.value("herd_grpc_server_handled_total{code=\"OK\",method=\"" + METHOD + "\"}"))
                    .isEqualTo(2.0);
            assertThat(scrape.value("herd_grpc_server_handled_total{code=\"NOT_FOUND\",method=\"" + METHOD + "\"}"))
                    .isEqualTo(1.0);
            assertThat(scrape.value("herd_grpc_server_handling_seconds_count{method=\"" + METHOD + "\"}"))
                    .isEqualTo(3.0);
            assertThat(scrape.text()).contains("jvm_memory_used_bytes");
        }
    }
}
