package io.herd.agent.main;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.herd.agent.registration.ControllerEpoch;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteAgentServerResponse;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListAgentServersResponse;
import io.herd.runtime.grpc.Leadership;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AgentService behind the fence, in-process: which terms' calls get through, and what is refused. */
class EpochFenceTest {

    private final ControllerEpoch epochs = new ControllerEpoch();
    /** Deletes that reached the service. */
    private final AtomicInteger deletes = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        AgentServiceGrpc.AgentServiceImplBase service = new AgentServiceGrpc.AgentServiceImplBase() {
            @Override
            public void deleteServer(DeleteAgentServerRequest request,
                                     StreamObserver<DeleteAgentServerResponse> out) {
                deletes.incrementAndGet();
                out.onNext(DeleteAgentServerResponse.getDefaultInstance());
                out.onCompleted();
            }

            @Override
            public void listServers(ListAgentServersRequest request, StreamObserver<ListAgentServersResponse> out) {
                out.onNext(ListAgentServersResponse.getDefaultInstance());
                out.onCompleted();
            }
        };
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new EpochFence(epochs))).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private void delete(String epoch) {
        AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
        if (epoch != null) {
            Metadata headers = new Metadata();
            headers.put(Leadership.EPOCH, epoch);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId("s1").build());
    }

    private static StatusRuntimeException refused(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call went through");
    }

    @Test
    void aCallFromAnEndedTermIsRefusedAndDoesNothing() {
        delete("4");
        assertThat(epochs.highest()).isEqualTo(4);

        StatusRuntimeException e = refused(() -> delete("3"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("refused: this call comes from a controller whose term "
                + "(epoch 3) has ended; the leader's epoch is 4");
        assertThat(deletes).hasValue(1);
        assertThat(epochs.highest()).isEqualTo(4);
    }

    @Test
    void aCallOfTheSameOrAHigherTermGoesThroughAndRaisesTheEpoch() {
        epochs.observe(4);

        delete("4");
        delete(" 7 ");

        assertThat(deletes).hasValue(2);
        assertThat(epochs.highest()).isEqualTo(7);
        assertThat(refused(() -> delete("6")).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aCallWithoutTheHeaderIsEpochZeroAcceptedOnlyUntilATermIsSeen() {
        delete(null);
        assertThat(deletes).hasValue(1);

        // a heartbeat answer from a leader of term 1
        epochs.observe(1);
        StatusRuntimeException e = refused(() -> delete(null));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("no herd-epoch header", "the leader's epoch is 1");
        assertThat(deletes).hasValue(1);
    }

    @Test
    void readsAreAnsweredWhateverTermTheyCarry() {
        epochs.observe(5);
        Metadata old = new Metadata();
        old.put(Leadership.EPOCH, "2");
        AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);

        assertThat(stub.listServers(ListAgentServersRequest.getDefaultInstance())).isNotNull();
        assertThat(stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(old))
                .listServers(ListAgentServersRequest.getDefaultInstance())).isNotNull();
        assertThat(epochs.highest()).isEqualTo(5);
        assertThat(refused(() -> delete("2")).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aMalformedHeaderIsAnInvalidArgumentNamingIt() {
        StatusRuntimeException e = refused(() -> delete("four"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("herd-epoch", "'four'");
        assertThat(deletes).hasValue(0);
        assertThat(epochs.highest()).isZero();
    }
}
