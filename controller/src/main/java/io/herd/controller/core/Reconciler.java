package io.herd.controller.core;

import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Compares the servers the controller placed on a host with the herd domains its heartbeat
 * lists. Decides, never deletes: a domain the controller does not know is only reported.
 */
final class Reconciler {

    /** Heartbeats in a row that must miss a domain before its server counts as vanished. */
    static final int MISSES_FOR_VANISHED = 2;

    private Reconciler() {
    }

    /** What the heartbeat changes. */
    record Outcome(List<ServerRecord> changed, List<String> relaunch, List<String> vanished) {
    }

    /**
     * @param placed        servers holding a claim on the host
     * @param reported      the host's herd domains by server id
     * @param busy          servers with an agent call queued or in flight (never relaunched here)
     * @param missingCounts consecutive misses per server, updated here
     */
    static Outcome reconcile(String hostName, List<ServerRecord> placed, Map<String, HostReport.ReportedDomain> reported,
                             Predicate<String> busy, Map<String, Integer> missingCounts, Instant now) {
        List<ServerRecord> changed = new ArrayList<>();
        List<String> relaunch = new ArrayList<>();
        List<String> vanished = new ArrayList<>();
        for (ServerRecord s : placed) {
            HostReport.ReportedDomain d = reported.get(s.id());
            if (d != null) {
                missingCounts.remove(s.id());
            }
            switch (s.status()) {
                case BUILDING -> {
                    if (d != null && d.running()) {
                        // a leaving server is launched only once its old domain is removed: running
                        // here, it holds nothing where it was (e.g. after a crash lost that write)
                        changed.add(s.movedTo(s.hostId(), "", ServerStatus.ACTIVE, "", now));
                    } else if ((d == null || !d.running() && !d.starting()) && !busy.test(s.id())) {
                        // missing, or defined and never started (its agent died mid-launch): a
                        // launch is idempotent on the server id and starts a stopped domain
                        relaunch.add(s.id());
                    }
                }
                case ACTIVE, UNKNOWN, ERROR -> {
                    if (d != null && d.starting()) {
                        // read while its agent was launching it: says nothing about its state
                        continue;
                    }
                    if (d == null) {
                        int misses = missingCounts.merge(s.id(), 1, Integer::sum);
                        if (misses >= MISSES_FOR_VANISHED) {
                            missingCounts.remove(s.id());
                            vanished.add(s.id());
                            changed.add(s.withHost("", ServerStatus.ERROR, "domain vanished from host " + hostName
                                    + " (missing from " + misses + " heartbeats in a row)", now));
                        }
                    } else if (d.running() && s.status() != ServerStatus.ACTIVE) {
                        changed.add(s.withStatus(ServerStatus.ACTIVE, "", now));
                    } else if (!d.running() && s.status() != ServerStatus.ERROR) {
                        changed.add(s.withStatus(ServerStatus.ERROR, "domain is " + d.libvirtState() + " on host "
                                + hostName, now));
                    }
                }
                case DELETING -> {
                    // the delete in flight decides
                }
                default -> throw new IllegalStateException("unhandled state " + s.status());
            }
        }
        return new Outcome(changed, relaunch, vanished);
    }
}
