package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerHistoryEntry;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the open mode (no TLS, no tokens: heartbeats need no identity) anyone may register a
 * host. One whose agent address accepts connections and never answers, with the most room
 * of all so that placement prefers it, holds up only its own launches: they take at most
 * launch.per_host_parallelism of the controller's launch.parallelism threads, so servers
 * placed on the real agents go ACTIVE long before a launch to it times out; its own servers
 * wait, and once it is gone they are placed on the real hosts.
 */
class SlowAgentIT {

    static final long LAUNCH_TIMEOUT_MS = 6_000;

    @TempDir
    Path dir;
    Cluster cluster;
    BlackHole blackHole;
    ScheduledExecutorService heartbeats;
    ManagedChannel plaintext;

    @AfterEach
    void stop() throws Exception {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (plaintext != null) {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
    }

    @Test
    void aHostWhoseAgentNeverAnswersHoldsUpOnlyItsOwnLaunches() throws Exception {
        // 4 launch threads in all, 2 per host: without the per-host bound the black hole would take all 4
        cluster = new Cluster(dir, "--launch-timeout-ms", Long.toString(LAUNCH_TIMEOUT_MS), "--launch-parallelism",
                "4", "--set", "launch.per_host_parallelism=2", "--set", "delete.timeout_ms=2000",
                "--grace-period-ms", "1000");
        cluster.startTestAgents(List.of(new Cluster.HostShape("hv-a", 8, 8_192, "r1", "z1"),
                new Cluster.HostShape("hv-b", 8, 8_192, "r2", "z1")));
        blackHole = new BlackHole();
        plaintext = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.controllerPort).usePlaintext().build();
        HeartbeatRequest slow = Attacks.heartbeat(UUID.randomUUID().toString(), "slow", blackHole.address()).build();
        Attacks.registry(plaintext).heartbeat(slow);
        heartbeats = Executors.newSingleThreadScheduledExecutor();
        heartbeats.scheduleAtFixedRate(() -> {
            try {
                Attacks.registry(plaintext).heartbeat(slow);
            } catch (RuntimeException e) {
                // the next one goes all the same
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        cluster.awaitHostsUp(List.of("hv-a", "hv-b", "slow"));

        List<Server> held = cluster.servers.createServers(CreateServersRequest.newBuilder().setName("held")
                .setCount(10).setVcpus(1).setMemoryMib(64).build()).getServersList();
        assertThat(held).extracting(Server::getHostName).containsOnly("slow");
        await("the black hole is called").atMost(Duration.ofSeconds(10)).until(() -> blackHole.accepted() > 0);

        // the same client's next servers, kept off the black hole: they must not wait behind it
        cluster.hosts.setHostSchedulable(SetHostSchedulableRequest.newBuilder().setId("slow").setSchedulable(false)
                .setReason("placement may not pick it").build());
        long start = System.nanoTime();
        List<String> prompt = cluster.servers.createServers(CreateServersRequest.newBuilder().setName("prompt")
                .setCount(4).setVcpus(1).setMemoryMib(64).build()).getServersList().stream().map(Server::getId)
                .toList();
        await("servers on the real agents ACTIVE before a launch to the black hole times out")
                .atMost(Duration.ofMillis(LAUNCH_TIMEOUT_MS - 1_000)).pollInterval(Duration.ofMillis(100))
                .until(() -> prompt.stream().allMatch(id -> state(id) == ServerState.SERVER_STATE_ACTIVE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(LAUNCH_TIMEOUT_MS));
        assertThat(held).allMatch(s -> state(s.getId()) == ServerState.SERVER_STATE_BUILDING);
        assertThat(domainsOnRealHosts()).containsAll(prompt);

        // they wait while the host heartbeats; once it is gone they go where there is room
        await("a launch to the black hole times out").atMost(Duration.ofMillis(LAUNCH_TIMEOUT_MS * 2))
                .until(() -> held.stream().anyMatch(s -> Attacks.server(cluster, s.getId()).getStateMessage()
                        .contains("DEADLINE_EXCEEDED")));
        assertThat(held).allMatch(s -> state(s.getId()) == ServerState.SERVER_STATE_BUILDING);
        heartbeats.shutdownNow();
        await("the held servers settle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> held.stream().map(s -> state(s.getId())).allMatch(st ->
                        st == ServerState.SERVER_STATE_ACTIVE || st == ServerState.SERVER_STATE_ERROR));
        Set<String> onRealHosts = domainsOnRealHosts();
        for (Server s : held) {
            Server now = Attacks.server(cluster, s.getId());
            if (now.getState() == ServerState.SERVER_STATE_ACTIVE) {
                assertThat(now.getHostName()).isIn("hv-a", "hv-b");
                assertThat(onRealHosts).contains(s.getId());
            }
        }
        assertThat(held).anyMatch(s -> Attacks.server(cluster, s.getId()).getHistoryList().stream().anyMatch(h ->
                h.getEvent() == ServerHistoryEntry.Event.EVENT_LAUNCH_RETRIED && h.getFromHostName().equals("slow")
                        && h.getMessage().contains("DEADLINE_EXCEEDED")));
        Attacks.assertNoStackTrace(cluster.controller);
    }

    private ServerState state(String id) {
        return Attacks.server(cluster, id).getState();
    }

    private Set<String> domainsOnRealHosts() {
        return cluster.agents.keySet().stream().flatMap(h -> cluster.domainsOf(h).stream())
                .map(AgentServer::getServerId).collect(Collectors.toSet());
    }

    /** A TCP listener that accepts every connection and never reads or writes a byte. */
    static final class BlackHole implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        BlackHole() throws IOException {
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        held.add(listener.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "black-hole");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + listener.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
