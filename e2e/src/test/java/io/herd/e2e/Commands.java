package io.herd.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs virsh and qemu-img, to look at QEMU from outside herd. */
final class Commands {

    static final String QEMU = "qemu:///system";

    private Commands() {
    }

    record Result(int exitCode, String output) {
    }

    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(List.of(command) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code virsh domstate}, or "" when the domain does not exist. */
    static String domState(String domain) {
        Result r = run("virsh", "-c", QEMU, "domstate", domain);
        return r.exitCode() == 0 ? r.output().trim() : "";
    }

    /** Names of the running domains on qemu:///system. */
    static java.util.Set<String> running() {
        Result r = run("virsh", "-c", QEMU, "list", "--name", "--state-running");
        return r.output().lines().map(String::trim).filter(l -> !l.isEmpty())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Starts a transient diskless domain herd knows nothing of (no herd metadata). */
    static Result startTransient(String name, int memoryMib) throws IOException {
        java.nio.file.Path xml = java.nio.file.Files.createTempFile(name, ".xml");
        java.nio.file.Files.writeString(xml, "<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>"
                + memoryMib + "</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
                + "<devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>");
        try {
            return run("virsh", "-c", QEMU, "create", xml.toString());
        } finally {
            java.nio.file.Files.deleteIfExists(xml);
        }
    }

    /** Removes a domain this test created, whatever its state. */
    static void forceRemove(String domain) {
        run("virsh", "-c", QEMU, "destroy", domain);
        run("virsh", "-c", QEMU, "undefine", domain);
    }
}
