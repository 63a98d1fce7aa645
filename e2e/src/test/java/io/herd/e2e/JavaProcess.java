package io.herd.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code java -jar} child process with its output in files, stopped (or killed) on close. */
final class JavaProcess implements AutoCloseable {

    final String name;
    final Path stdout;
    final Path stderr;
    private final Process process;

    private JavaProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static JavaProcess start(String name, Path logDir, String jar, List<String> args) {
        return start(name, logDir, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), jar, args);
    }

    static JavaProcess start(String name, Path logDir, List<String> jvmOptions, String jar, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar);
        command.addAll(args);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                    .start();
            return new JavaProcess(name, p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the process's stderr contains {@code text}; fails early if it dies. */
    void awaitLog(String text, Duration timeout) {
        await(name + " logs '" + text + "'").atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail());
            }
            return Files.exists(stderr) && Files.readString(stderr).contains(text);
        });
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process freezes, its sockets stay open (a hung process). */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        Commands.Result r = Commands.run("kill", "-" + name, Long.toString(process.pid()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + ": " + r.output());
        }
    }

    String tail() {
        try {
            String all = Files.exists(stderr) ? Files.readString(stderr) : "";
            return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
