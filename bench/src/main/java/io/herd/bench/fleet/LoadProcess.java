package io.herd.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.herd.api.v1.ServerServiceGrpc;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The create load in a process of its own, as a provisioning tool is one: its latencies are
 * measured by a small JVM that keeps nothing, not by the one simulating the fleet, whose
 * collector pauses (it keeps thousands of hosts and their domains) would otherwise be counted
 * as the controller's. The process stays up between runs (warm-up, then the measured load), so
 * that its own code is compiled before the measured one: the fleet writes a run's rate, length
 * and result file on a line to its input; it answers {@code done FILE} once every call of the
 * run is answered.
 */
public final class LoadProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DONE = "done ";
    /** How long after a run's end its process has to answer (each call has a 60 s deadline). */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(120);

    private final Process process;
    private final BufferedWriter commands;
    private final BufferedReader answers;
    private final Path dir;
    private final Duration answerGrace;
    /** Removes the directory if the fleet is stopped (SIGTERM, SIGINT) before {@link #close}. */
    private final Thread cleanup;
    private int runs;

    private LoadProcess(Process process, Path dir, Duration answerGrace) {
        this.process = process;
        this.dir = dir;
        this.answerGrace = answerGrace;
        this.cleanup = new Thread(() -> {
            process.destroyForcibly();
            deleteQuietly(dir);
        }, "create-load-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the process, which connects to the controller; servers join {@code groupIds} in turn. */
    static LoadProcess start(String controller, List<String> groupIds, int maxInFlight) throws IOException {
        Path dir = Files.createTempDirectory("herd-create-load");
        Path groups = dir.resolve("groups.txt");
        Files.write(groups, groupIds);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                io.herd.bench.Main.class.getName(), "create-load", controller, groups.toString(),
                Integer.toString(maxInFlight));
        try {
            return start(command, dir, ANSWER_GRACE);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    /** Starts {@code command} as the load's process, its files in {@code dir}. */
    static LoadProcess start(List<String> command, Path dir, Duration answerGrace) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new LoadProcess(p, dir, answerGrace);
    }

    /**
     * Offers {@code rate} creates a second for {@code duration} and waits for every answer. A
     * process that has not answered {@code answerGrace} after the run's end is killed, and the
     * run fails.
     */
    CreateLoad.Result run(int rate, Duration duration) throws IOException, InterruptedException {
        Path result = dir.resolve("run-" + (++runs) + ".json");
        try {
            commands.write(rate + " " + duration.toMillis() + " " + result + "\n");
            commands.flush();
        } catch (IOException gone) {
            throw ended(gone);
        }
        CompletableFuture<Void> answered = new CompletableFuture<>();
        answered.completeOnTimeout(null, duration.plus(answerGrace).toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(process::destroyForcibly);
        try {
            for (String line = answers.readLine(); line != null; line = answers.readLine()) {
                if (line.equals(DONE + result)) {
                    return read(result);
                }
                System.err.println(line);
            }
        } finally {
            answered.cancel(false);
        }
        throw ended(null);
    }

    private IOException ended(IOException cause) throws InterruptedException {
        return new IOException("the create load's process ended before its run did: exit status "
                + (process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : "unknown"), cause);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            commands.close();
        } catch (IOException gone) {
            // it has already ended
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook removes it
        }
        delete(dir);
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    /**
     * {@code herd-bench create-load CONTROLLER GROUPS_FILE MAX_IN_FLIGHT}: the process's side.
     * Reads runs from standard input until it ends; returns the exit code.
     */
    public static int serve(String[] args, PrintStream out) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: herd-bench create-load HOST:PORT GROUPS_FILE MAX_IN_FLIGHT "
                    + "(then one 'RATE MILLIS RESULT_FILE' line a run on standard input)");
            return 2;
        }
        List<String> groups = Files.readAllLines(Path.of(args[1]));
        int maxInFlight = Integer.parseInt(args[2]);
        // its own event loop, and callbacks on it (cheap: they record and release)
        EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("create-load-io", true));
        ManagedChannel channel = NettyChannelBuilder.forTarget(args[0], InsecureChannelCredentials.create())
                .eventLoopGroup(loop).channelType(NioSocketChannel.class).directExecutor()
                .maxInboundMessageSize(1 << 30).build();
        try {
            CreateLoad load = new CreateLoad(ServerServiceGrpc.newStub(channel), groups, new AtomicInteger());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] run = line.trim().split(" ");
                CreateLoad.Result r = load.run(Integer.parseInt(run[0]), Duration.ofMillis(Long.parseLong(run[1])),
                        maxInFlight);
                write(r, Path.of(run[2]));
                out.println(DONE + run[2]);
                out.flush();
            }
            return 0;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }

    private static void write(CreateLoad.Result r, Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("sent", r.sent());
        n.put("created", r.created());
        ObjectNode failures = n.putObject("failures");
        r.failures().forEach((code, count) -> failures.put(code.name(), count));
        n.put("offered_per_s", r.offeredPerSecond());
        n.put("seconds", r.seconds());
        var latencies = n.putArray("latencies_ns");
        for (long v : r.latencies().sorted()) {
            latencies.add(v);
        }
        var ids = n.putArray("server_ids");
        r.serverIds().forEach(ids::add);
        JSON.writeValue(file.toFile(), n);
    }

    private static CreateLoad.Result read(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        Map<Status.Code, Integer> failures = new EnumMap<>(Status.Code.class);
        n.get("failures").fields().forEachRemaining(f -> failures.put(Status.Code.valueOf(f.getKey()),
                f.getValue().asInt()));
        long[] latencies = new long[n.get("latencies_ns").size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = n.get("latencies_ns").get(i).asLong();
        }
        List<String> ids = new ArrayList<>();
        n.get("server_ids").forEach(id -> ids.add(id.asText()));
        return new CreateLoad.Result(n.get("sent").asInt(), n.get("created").asInt(), Map.copyOf(failures),
                new Samples.Window(latencies), n.get("offered_per_s").asDouble(), n.get("seconds").asDouble(),
                List.copyOf(ids));
    }
}
