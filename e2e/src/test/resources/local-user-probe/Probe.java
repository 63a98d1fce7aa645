import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.LaunchServerRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a local user tries against an agent's Unix socket (LocalUserIT runs it as nobody, with
 * the agent's jar as class path): a plain connect, then LaunchServer and DeleteServer of the
 * given server over gRPC. One line per try, saying what happened.
 *
 * <p>usage: java -cp herd-agent.jar Probe.java SOCKET SERVER_ID
 */
public class Probe {

    public static void main(String[] args) throws InterruptedException {
        String socket = args[0];
        String serverId = args[1];
        System.out.println("user: " + System.getProperty("user.name"));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            System.out.println("connect: CONNECTED");
        } catch (IOException e) {
            System.out.println("connect: REFUSED: " + e.getMessage());
        }
        ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create())
                .build();
        try {
            AgentServiceGrpc.AgentServiceBlockingStub agent = AgentServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS);
            try {
                agent.launchServer(LaunchServerRequest.newBuilder().setServerId(UUID.randomUUID().toString())
                        .setName("miner").setVcpus(1).setMemoryMib(64).build());
                System.out.println("LaunchServer: OK");
            } catch (StatusRuntimeException e) {
                System.out.println("LaunchServer: " + describe(e));
            }
            try {
                agent.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(serverId).build());
                System.out.println("DeleteServer: OK");
            } catch (StatusRuntimeException e) {
                System.out.println("DeleteServer: " + describe(e));
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String describe(StatusRuntimeException e) {
        Throwable cause = e.getStatus().getCause();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return e.getStatus().getCode() + ": " + e.getStatus().getDescription()
                + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }
}
