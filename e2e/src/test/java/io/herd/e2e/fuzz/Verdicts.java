package io.herd.e2e.fuzz;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.e2e.fuzz.Payloads.Payload;
import io.herd.e2e.fuzz.Targets.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges every answer against the contract: a hostile request is answered OK or refused with a
 * code that says why — never INTERNAL or UNKNOWN, never left without an answer until its
 * deadline — and bytes that are no message are refused as INVALID_ARGUMENT. Counts the codes,
 * keeps the first violations, and writes each violating request's bytes to a file that
 * reproduces it.
 */
final class Verdicts {

    /** Codes that refuse a request for a reason the caller can act on. */
    static final Set<Code> REFUSALS = EnumSet.of(Code.INVALID_ARGUMENT, Code.NOT_FOUND, Code.ALREADY_EXISTS,
            Code.FAILED_PRECONDITION, Code.RESOURCE_EXHAUSTED, Code.UNAVAILABLE, Code.PERMISSION_DENIED,
            Code.UNAUTHENTICATED, Code.OUT_OF_RANGE);

    private static final int KEPT = 50;

    private final Path failureDir;
    private final AtomicLong calls = new AtomicLong();
    private final Map<Code, AtomicLong> codes = new ConcurrentHashMap<>();
    private final Map<String, Map<Code, AtomicLong>> perMethod = new ConcurrentHashMap<>();
    private final Map<String, Map<Code, AtomicLong>> perKind = new ConcurrentHashMap<>();
    private final AtomicLong violationCount = new AtomicLong();
    private final List<String> violations = new ArrayList<>();

    Verdicts(Path failureDir) {
        this.failureDir = failureDir;
    }

    /** Judges one answer; {@code request} is what the server parses the payload into, if anything. */
    void judge(Target target, Payload payload, Optional<MessageLite> request, Status status) {
        calls.incrementAndGet();
        codes.computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
        perMethod.computeIfAbsent(target.name().replace("herd.v1.", ""), m -> new ConcurrentHashMap<>())
                .computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
        perKind.computeIfAbsent(payload.kind().name(), m -> new ConcurrentHashMap<>())
                .computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
        String problem = problem(target, request, status);
        if (problem != null) {
            violation(target.name() + " (" + payload.kind() + ", " + payload.bytes().length + " bytes): " + problem
                    + ": " + status.getCode() + " " + clip(status.getDescription()), payload.bytes());
        }
    }

    private String problem(Target target, Optional<MessageLite> request, Status status) {
        Code code = status.getCode();
        if (request.isEmpty()) {
            return code == Code.INVALID_ARGUMENT || code == Code.RESOURCE_EXHAUSTED ? null
                    : "bytes that are no request must be refused as INVALID_ARGUMENT";
        }
        if (code == Code.OK) {
            if (target.method() == AgentRegistryGrpc.getHeartbeatMethod() && ((HeartbeatRequest) request.get())
                    .getServersCount() > AgentRequests.MAX_DOMAINS_PER_HEARTBEAT) {
                return "a heartbeat with more than " + AgentRequests.MAX_DOMAINS_PER_HEARTBEAT
                        + " domains must be refused";
            }
            return null;
        }
        if (REFUSALS.contains(code)) {
            return null;
        }
        if (code == Code.DEADLINE_EXCEEDED && target.method() == ServerServiceGrpc.getWatchServersMethod()) {
            return null;
        }
        return code == Code.DEADLINE_EXCEEDED ? "no answer before the deadline" : "not an answer the contract allows";
    }

    /** Records a breach found otherwise (a partial write, an inconsistency); {@code bytes} may be null. */
    synchronized void violation(String what, byte[] bytes) {
        long n = violationCount.incrementAndGet();
        if (violations.size() < KEPT) {
            String where = "";
            if (bytes != null) {
                Path file = failureDir.resolve(String.format("%03d.bin", n));
                try {
                    Files.createDirectories(failureDir);
                    Files.write(file, bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                where = " [request bytes: " + file + "]";
            }
            violations.add(what + where);
        }
    }

    long calls() {
        return calls.get();
    }

    long violationCount() {
        return violationCount.get();
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Answers per code, e.g. {OK=1200, INVALID_ARGUMENT=2400}. */
    Map<String, Long> codes() {
        Map<String, Long> out = new TreeMap<>();
        codes.forEach((c, n) -> out.put(c.name(), n.get()));
        return out;
    }

    /** Answers per method and code, one method a line. */
    String perMethod() {
        return table(perMethod);
    }

    /** Answers per kind of payload and code, one kind a line. */
    String perKind() {
        return table(perKind);
    }

    private static String table(Map<String, Map<Code, AtomicLong>> rows) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(rows).forEach((row, byCode) -> {
            Map<String, Long> counts = new TreeMap<>();
            byCode.forEach((c, n) -> counts.put(c.name(), n.get()));
            b.append(String.format("  %-40s %s%n", row, counts));
        });
        return b.toString();
    }

    static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }
}
