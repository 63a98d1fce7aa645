package io.herd.agent.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs libvirt's and QEMU's own command-line tools, to check the agent from outside. */
public final class Virsh {

    public static final String QEMU = "qemu:///system";

    private Virsh() {}

    /** Output of {@code virsh -c uri args…}; fails the test when virsh fails. */
    public static String run(String uri, String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", uri));
        cmd.addAll(List.of(args));
        Result r = exec(cmd);
        if (r.exitCode != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exitCode + "): " + r.output);
        }
        return r.output;
    }

    /** Like {@link #run} but returns the exit code and output without failing. */
    public static Result tryRun(String uri, String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-c", uri));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    /** {@code virsh domstate NAME}, or "" when there is no such domain. */
    public static String domState(String uri, String name) {
        Result r = tryRun(uri, "domstate", name);
        return r.exitCode == 0 ? r.output.trim() : "";
    }

    /** Best-effort removal of a domain the test created, whatever state it is in. */
    public static void forceRemove(String uri, String name) {
        tryRun(uri, "destroy", name);
        tryRun(uri, "undefine", name);
    }

    /** A number from {@code virsh nodeinfo} output, e.g. field "CPU(s)" or "Memory size" (KiB). */
    public static long nodeinfoField(String nodeinfo, String field) {
        Matcher m = Pattern.compile(Pattern.quote(field) + ":\\s+(\\d+)").matcher(nodeinfo);
        if (!m.find()) {
            throw new AssertionError("no " + field + " in virsh nodeinfo output: " + nodeinfo);
        }
        return Long.parseLong(m.group(1));
    }

    /** A small qcow2 base image made with qemu-img. */
    public static Path qcow2Base(Path dir, String name, int sizeMib) {
        Path file = dir.resolve(name);
        Result r = exec(List.of("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), sizeMib + "M"));
        if (r.exitCode != 0) {
            throw new AssertionError("qemu-img failed: " + r.output);
        }
        return file;
    }

    /** A node XML for {@code test:///path} giving a host of the chosen size. */
    public static Path testNode(Path dir, int cpus, long memoryKib) throws IOException {
        Path file = dir.resolve("node-" + cpus + "-" + memoryKib + ".xml");
        Files.writeString(file, "<node>\n  <cpu>\n    <mhz>2400</mhz>\n    <model>x86_64</model>\n"
                + "    <active>" + cpus + "</active>\n    <max>" + cpus + "</max>\n    <nodes>1</nodes>\n"
                + "    <sockets>1</sockets>\n    <cores>" + cpus + "</cores>\n    <threads>1</threads>\n"
                + "  </cpu>\n  <memory>" + memoryKib + "</memory>\n</node>\n", StandardCharsets.UTF_8);
        return file;
    }

    /** Exit code and combined output of a command. */
    public record Result(int exitCode, String output) {}

    public static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }
}
