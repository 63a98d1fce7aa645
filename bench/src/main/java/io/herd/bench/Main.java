package io.herd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.bench.fleet.FleetBenchmark;
import io.herd.controller.placement.Weighing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar herd-bench.jar WORKLOAD.json [--assignment FILE] [--warmup N] [--weighing spread|pack]
 * [--slowest N]} prints one JSON line for the workload (and, with {@code --slowest}, the N slowest
 * decisions to standard error); {@code java -jar herd-bench.jar jmh [JMH options]} runs
 * the JMH benchmarks; {@code java -jar herd-bench.jar fleet ...} drives a controller with a
 * simulated fleet ({@link FleetBenchmark}), whose creates come from a process of its own that it starts,
 * {@code herd-bench create-load} ({@link io.herd.bench.fleet.LoadProcess}).
 */
public final class Main {
    static final String USAGE = "usage: herd-bench WORKLOAD.json [--assignment FILE] [--warmup N]"
            + " [--weighing spread|pack] [--slowest N]\n"
            + "       herd-bench jmh [JMH options, e.g. -f 1 -wi 2 -i 3 PlacementDecisionBenchmark]\n"
            + "       herd-bench fleet --controller HOST:PORT --metrics URL [options]  (a simulated fleet)";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("create-load")) {
            System.exit(io.herd.bench.fleet.LoadProcess.serve(Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        if (args.length > 0 && args[0].equals("fleet")) {
            System.exit(FleetBenchmark.main(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the workload runner; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path workloadFile = null;
        Path assignmentFile = null;
        int warmups = 1;
        Weighing weighing = Weighing.SPREAD;
        int slowest = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            if (arg.equals("--assignment") && hasValue) {
                assignmentFile = Path.of(args[++i]);
            } else if (arg.equals("--warmup") && hasValue) {
                warmups = Integer.parseInt(args[++i]);
            } else if (arg.equals("--weighing") && hasValue) {
                weighing = Weighing.valueOf(args[++i].toUpperCase(Locale.ROOT));
            } else if (arg.equals("--slowest") && hasValue) {
                slowest = Integer.parseInt(args[++i]);
            } else if (!arg.startsWith("--") && workloadFile == null) {
                workloadFile = Path.of(arg);
            } else {
                err.println("unexpected argument " + arg + "\n" + USAGE);
                return 2;
            }
        }
        if (workloadFile == null) {
            err.println(USAGE);
            return 2;
        }
        Workload workload = Workload.read(workloadFile);
        // warm-up passes run the same workload on fresh engines so that the measured pass sees
        // compiled code; they are not part of the figures
        for (int i = 0; i < warmups; i++) {
            WorkloadRunner.run(workload, weighing);
        }
        WorkloadRunner.Outcome outcome = WorkloadRunner.run(workload, weighing);
        ObjectMapper json = new ObjectMapper();
        out.println(json.writeValueAsString(WorkloadRunner.summary(workload, outcome)));
        // the slowest decisions go to standard error so that standard output stays one JSON line
        for (Map<String, Object> line : WorkloadRunner.slowest(workload, outcome, slowest)) {
            err.println(json.writeValueAsString(line));
        }
        if (assignmentFile != null) {
            Files.writeString(assignmentFile, json.writeValueAsString(outcome.assignment()));
        }
        return 0;
    }
}
