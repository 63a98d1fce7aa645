package io.herd.agent.hypervisor;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herd.agent.main.AgentRuntime;
import io.herd.agent.testing.TestConfigs;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.LaunchServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * Launch latency through the agent (LaunchServer over gRPC on loopback, until the domain runs)
 * against a raw libvirt define + create of the same domain XML on the same connection URI.
 * Launches alternate between the two (A B, B A, …) so that drift in the host hits both alike;
 * deletes are not timed.
 *
 * <p>A plain runner rather than JMH: one sample is a whole domain start (~0.1–1 s on QEMU), so
 * JIT warm-up and dead-code effects that JMH guards against are noise here, and what matters is
 * interleaving both paths against the same libvirtd. Run it with
 * {@code mvn -B -ntp -q -pl agent -am verify -DskipTests -Pbench} (see docs/benchmarks.md).
 *
 * <p>Arguments: {@code [URI=ITERATIONS …]}, default {@code test:///default=2000 qemu:///system=40}.
 */
public final class LaunchLatencyBenchmark {

    private LaunchLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> runs = args.length > 0 ? Arrays.asList(args) : List.of("test:///default=2000", "qemu:///system=40");
        System.out.println("| libvirt URI | acceleration | launches each | agent median ms | raw median ms "
                + "| agent mean ms | raw mean ms | agent p90 ms | raw p90 ms | ratio of medians | ratio of means "
                + "| median paired difference ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String run : runs) {
            String[] parts = run.split("=", 2);
            System.out.println(measure(parts[0], Integer.parseInt(parts[1])));
        }
    }

    private static String measure(String uri, int iterations) throws Exception {
        Path dir = Files.createTempDirectory("herd-bench");
        int warmup = Math.max(2, iterations / 10);
        List<Double> agentMs = new ArrayList<>();
        List<Double> rawMs = new ArrayList<>();
        String acceleration;
        try (AgentRuntime agent = AgentRuntime.start(TestConfigs.agent(uri, dir))) {
            ManagedChannel channel = Grpc.newChannelBuilder(agent.address(),
                    InsecureChannelCredentials.create()).build();
            Connect conn = new Connect(uri);
            try {
                AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel);
                io.herd.api.v1.Acceleration a = stub.getHostInfo(GetHostInfoRequest.getDefaultInstance())
                        .getAcceleration();
                acceleration = a.name();
                String domainType = a == io.herd.api.v1.Acceleration.ACCELERATION_KVM ? "kvm"
                        : a == io.herd.api.v1.Acceleration.ACCELERATION_TCG ? "qemu" : "test";
                for (int i = 0; i < warmup + iterations; i++) {
                    boolean record = i >= warmup;
                    if (i % 2 == 0) {
                        timeAgent(stub, record ? agentMs : null);
                        timeRaw(conn, domainType, record ? rawMs : null);
                    } else {
                        timeRaw(conn, domainType, record ? rawMs : null);
                        timeAgent(stub, record ? agentMs : null);
                    }
                }
            } finally {
                conn.close();
                channel.shutdownNow();
            }
        }
        // each agent launch is paired with the raw launch next to it: their difference cancels host drift
        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < agentMs.size(); i++) {
            differences.add(agentMs.get(i) - rawMs.get(i));
        }
        double agentMedian = percentile(agentMs, 50);
        double rawMedian = percentile(rawMs, 50);
        return String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %+.2f |",
                uri, acceleration, iterations, agentMedian, rawMedian, mean(agentMs), mean(rawMs),
                percentile(agentMs, 90), percentile(rawMs, 90), agentMedian / rawMedian, mean(agentMs) / mean(rawMs),
                percentile(differences, 50));
    }

    private static void timeAgent(AgentServiceGrpc.AgentServiceBlockingStub stub, List<Double> into) {
        String id = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        stub.launchServer(LaunchServerRequest.newBuilder().setServerId(id).setName("bench").setVcpus(1)
                .setMemoryMib(64).setGroupId("bench").build());
        long t1 = System.nanoTime();
        stub.deleteServer(DeleteAgentServerRequest.newBuilder().setServerId(id).build());
        if (into != null) {
            into.add((t1 - t0) / 1e6);
        }
    }

    private static void timeRaw(Connect conn, String domainType, List<Double> into) throws Exception {
        DomainSpec spec = new DomainSpec(UUID.randomUUID(), "bench", 1, 64, 0, "", "bench", "");
        String xml = DomainXml.build(spec, domainType, null);
        long t0 = System.nanoTime();
        Domain dom = conn.domainDefineXML(xml);
        try {
            dom.create();
            long t1 = System.nanoTime();
            if (into != null) {
                into.add((t1 - t0) / 1e6);
            }
            dom.destroy();
        } finally {
            dom.undefine();
            dom.free();
        }
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double percentile(List<Double> xs, int p) {
        double[] sorted = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
