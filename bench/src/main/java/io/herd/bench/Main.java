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

/**
 * {@code java -jar herd-bench.jar WORKLOAD.json [--assignment FILE] [--warmup N] [--weighing spread|pack]}
 * prints one JSON line for the workload; {@code java -jar herd-bench.jar jmh [JMH options]} runs
 * the JMH benchmarks.
 */
public final class Main {
    static final String USAGE = "usage: herd-bench WORKLOAD.json [--assignment FILE] [--warmup N] [--weighing spread|pack]\n"
            + "       herd-bench jmh [JMH options, e.g. -f 1 -wi 2 -i 3 PlacementDecisionBenchmark]\n"
            + "       herd-bench fleet --controller HOST:PORT --metrics URL [options]  (a simulated fleet)";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
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
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            if (arg.equals("--assignment") && hasValue) {
                assignmentFile = Path.of(args[++i]);
            } else if (arg.equals("--warmup") && hasValue) {
                warmups = Integer.parseInt(args[++i]);
            } else if (arg.equals("--weighing") && hasValue) {
                weighing = Weighing.valueOf(args[++i].toUpperCase(Locale.ROOT));
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
        if (assignmentFile != null) {
            Files.writeString(assignmentFile, json.writeValueAsString(outcome.assignment()));
        }
        return 0;
    }
}
