package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unprivileged local user against an agent without TLS: the agent serves on a Unix socket
 * only its owner (root) may open. A real gRPC client run as {@code nobody} — the agent's own
 * jar for the stubs, a single-file Java program — cannot connect, so it can neither launch a
 * domain nor delete a managed one; the controller, as root, goes on launching through the
 * same socket.
 */
class LocalUserIT {

    static final int NOBODY = 65534;

    @TempDir
    Path dir;
    Cluster cluster;
    Path probeDir;

    @AfterEach
    void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (probeDir != null) {
            try (var files = Files.walk(probeDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anUnprivilegedUserCannotReachTheAgentsSocketAndTheControllerCan() throws Exception {
        assumeThat(Commands.run("id", "-u").output().trim()).as("runs the probe as nobody: needs root").isEqualTo("0");
        assumeThat(Commands.run("setpriv", "--version").exitCode()).as("needs setpriv (util-linux)").isZero();
        cluster = new Cluster(dir);
        cluster.startTestAgents(List.of(new Cluster.HostShape("hv-local", 8, 8_192, "r1", "z1")));
        Server managed = create("managed");
        Path socket = dir.resolve("hv-local").resolve("state").resolve("agent.sock");
        assertThat(cluster.agentAddress("hv-local")).isEqualTo("unix://" + socket.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(Files.getOwner(socket).getName()).isEqualTo("root");
        // nothing but the socket's own mode stands in the way: every directory above it may be searched
        for (Path d : List.of(dir, dir.resolve("hv-local"), socket.getParent())) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> domainsBefore = domains();

        String out = runProbeAsNobody(socket, managed.getId());
        assertThat(out).contains("user: nobody", "connect: REFUSED: Permission denied");
        assertThat(out).containsPattern("LaunchServer: UNAVAILABLE: .*Permission denied")
                .containsPattern("DeleteServer: UNAVAILABLE: .*Permission denied")
                .doesNotContain(": OK");

        assertThat(domains()).isEqualTo(domainsBefore).contains(managed.getId());
        assertThat(Attacks.server(cluster, managed.getId()).getState()).isEqualTo(ServerState.SERVER_STATE_ACTIVE);
        Server after = create("after-the-probe");
        assertThat(domains()).contains(managed.getId(), after.getId());
        Attacks.assertNoStackTrace(cluster.controller);
        Attacks.assertNoStackTrace(cluster.agents.get("hv-local"));
    }

    private Server create(String name) {
        String id = cluster.servers.createServers(CreateServersRequest.newBuilder().setName(name).setVcpus(1)
                .setMemoryMib(64).build()).getServers(0).getId();
        await().atMost(Duration.ofSeconds(60)).until(() -> Attacks.server(cluster, id).getState()
                == ServerState.SERVER_STATE_ACTIVE);
        return Attacks.server(cluster, id);
    }

    private List<String> domains() {
        return cluster.domainsOf("hv-local").stream().map(AgentServer::getServerId).sorted().toList();
    }

    /**
     * Runs Probe.java as uid/gid nobody with no supplementary groups, from a world-readable
     * copy of what it needs (the tests' own directories are root's).
     */
    private String runProbeAsNobody(Path socket, String serverId) throws Exception {
        probeDir = Files.createTempDirectory("herd-probe");
        Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(Path.of(Cluster.AGENT_JAR), probeDir.resolve("herd-agent.jar"));
        Path source = probeDir.resolve("Probe.java");
        try (InputStream in = LocalUserIT.class.getResourceAsStream("/local-user-probe/Probe.java")) {
            assertThat(in).as("Probe.java among the test resources").isNotNull();
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        for (Path f : List.of(jar, source)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", jar.toString(), source.toString(),
                socket.toAbsolutePath().toString(), serverId)
                .directory(probeDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
