package io.herd.bench;

import io.herd.controller.placement.GroupSpec;
import io.herd.controller.placement.HostSpec;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.placement.Weighing;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One placement decision on an inventory of 1,000 / 10,000 / 100,000 hosts that already holds
 * about one server per host, in groups of every policy (the mix of the workload generator,
 * with a tenth of the groups at rack scope). {@code placeAndRelease} claims one server of a
 * random group and gives it back, so the inventory stays the same; {@code noValidHost} asks for
 * more memory than any host has, which walks every host to explain the refusal.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PlacementDecisionBenchmark {
    private static final Resources[] FLAVORS = {
        new Resources(1, 2048, 10), new Resources(2, 4096, 20), new Resources(4, 8192, 40),
        new Resources(8, 16384, 80), new Resources(16, 65536, 160)};
    private static final Policy[] MIX = {
        Policy.ANTI_AFFINITY, Policy.ANTI_AFFINITY, Policy.ANTI_AFFINITY, Policy.ANTI_AFFINITY, Policy.ANTI_AFFINITY,
        Policy.AFFINITY, Policy.SOFT_ANTI_AFFINITY, Policy.SOFT_ANTI_AFFINITY, Policy.SOFT_AFFINITY, null};

    @Param({"1000", "10000", "100000"})
    public int hosts;

    private PlacementEngine engine;
    private PlacementRequest[] probes;
    private PlacementRequest tooBig;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        engine = new PlacementEngine(Weighing.SPREAD);
        for (int i = 0; i < hosts; i++) {
            boolean big = random.nextDouble() < 0.3;
            String name = String.format("h%06d", i);
            engine.upsertHost(HostSpec.of(name, String.format("r%04d", i / 40), "z" + ((i / 40) % 3 + 1),
                    big ? 96 : 48, big ? 524288 : 262144, big ? 4000 : 2000, 4.0, 1.0));
        }
        List<String> groupIds = new ArrayList<>();
        int placed = 0;
        for (int g = 0; placed < hosts; g++) {
            Policy policy = MIX[random.nextInt(MIX.length)];
            String groupId = null;
            if (policy != null) {
                groupId = "g" + g;
                Scope scope = random.nextInt(10) == 0 ? Scope.RACK : Scope.HOST;
                engine.upsertGroup(new GroupSpec(groupId, groupId, policy, scope, 1));
                groupIds.add(groupId);
            }
            Resources flavor = FLAVORS[Math.min(FLAVORS.length - 1, (int) (-Math.log(1 - random.nextDouble()) / 0.9))];
            int members = 1 + random.nextInt(8);
            for (int m = 0; m < members; m++, placed++) {
                engine.place(new PlacementRequest(List.of("s" + placed), flavor, groupId));
            }
        }
        probes = new PlacementRequest[1024];
        for (int i = 0; i < probes.length; i++) {
            String groupId = random.nextInt(10) == 0 ? null : groupIds.get(random.nextInt(groupIds.size()));
            probes[i] = new PlacementRequest(List.of("probe" + i), FLAVORS[random.nextInt(3)], groupId);
        }
        tooBig = new PlacementRequest(List.of("too-big"), new Resources(1, 1 << 30, 1), null);
        // settle the pre-filled inventory before measuring rather than in the first iterations
        System.gc();
    }

    @Benchmark
    public PlacementResult placeAndRelease() {
        PlacementRequest probe = probes[next++ & (probes.length - 1)];
        PlacementResult result = engine.place(probe);
        engine.release(probe.serverIds().get(0));
        return result;
    }

    @Benchmark
    public PlacementResult noValidHost() {
        return engine.place(tooBig);
    }
}
