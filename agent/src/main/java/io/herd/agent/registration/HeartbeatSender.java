package io.herd.agent.registration;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.agent.api.HostReporter;
import io.herd.agent.api.ProtoMapper;
import io.herd.agent.host.ImageCatalog;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.common.BackgroundWork;
import io.herd.api.v1.AgentServer;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.LaunchLimits;
import io.herd.runtime.grpc.ControllerEndpoints;
import io.herd.runtime.grpc.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends heartbeats from one thread of its own. Between heartbeats it waits for the interval
 * or for an event ({@link #trigger}), whichever comes first; events that pile up meanwhile go
 * out together in one heartbeat.
 *
 * <p>With several controllers (one leader, the others standbys) the heartbeats go to one of them
 * at a time ({@link ControllerEndpoints}). A standby refuses a heartbeat naming the leader: the
 * heartbeat goes there at once. A controller that cannot be reached, or a standby that knows no
 * leader yet, is followed by the next address after the usual backoff. Only the leader's
 * answer counts for self-fencing, and an answer from a controller whose term (epoch) is older than
 * one already seen is no leader's answer.
 */
public final class HeartbeatSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final String STOP = "\u0000stop";
    /** How long an event heartbeat waits for the events that follow the first. */
    private static final Duration EVENT_BATCH = Duration.ofMillis(10);
    /**
     * The shortest time between two heartbeats: at most 20 a second, what the controller
     * accepts by default (limits.heartbeats_per_second); events meanwhile go out together.
     */
    static final Duration MIN_GAP = Duration.ofMillis(50);
    /** How many redirects in a row are followed at once; more (standbys naming each other) back off. */
    private static final int MAX_PROMPT_REDIRECTS = 3;
    /** The first wait after a failure when there are several controllers to try. */
    static final Duration FIRST_FAILOVER_BACKOFF = Duration.ofMillis(250);

    /** How one heartbeat went. */
    enum Outcome {
        ANSWERED,
        FAILED,
        /** A standby named the leader: send there at once. */
        REDIRECTED
    }

    /**
     * @param agentAddress host:port where this agent's AgentService is reachable
     * @param interval     normal time between heartbeats
     * @param timeout      deadline of one heartbeat call
     * @param maxBackoff   longest wait while the controller is unreachable
     */
    public record Settings(String agentAddress, Duration interval, Duration timeout, Duration maxBackoff) {}

    /**
     * What else a heartbeat carries and its answer drives.
     *
     * @param limits      the largest server this agent accepts
     * @param images      the base images it offers
     * @param fencing     self-fencing: told of every answer, reports what it fenced
     * @param staleCopies removes the copies the controller names
     * @param epochs      the highest controller term seen, raised by the answers
     */
    public record Parts(io.herd.common.LaunchLimits limits, ImageCatalog images, Fencing fencing,
                        StaleCopies staleCopies, ControllerEpoch epochs) {}

    private final ControllerEndpoints controllers;
    private final HostReporter reporter;
    private final Hypervisor hypervisor;
    private final Settings settings;
    private final Parts parts;
    private final Clock clock;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Thread thread;
    private volatile Duration interval;
    private volatile Instant lastAcknowledgedAt;
    private volatile List<AgentServer> lastServers = List.of();
    /** System.nanoTime() of the last heartbeat sent (only the sending thread uses it). */
    private long lastSentNanos = System.nanoTime() - MIN_GAP.toNanos();
    /** When the domains were last read in full (event heartbeats read only what changed). */
    private Instant lastFullRead = Instant.MIN;
    private int failures;
    private int redirectsInARow;
    /** Failed heartbeats in a row that no controller answered (a standby's refusal is an answer). */
    private int unreachable;
    /** The controller that answered last (only the sending thread uses it). */
    private String answeredBy;
    /** The channel whose loss triggers a heartbeat; null when none is watched. */
    private volatile ManagedChannel watched;

    public HeartbeatSender(ControllerEndpoints controllers, HostReporter reporter,
                           Hypervisor hypervisor, Settings settings, Parts parts, Clock clock) {
        this.controllers = controllers;
        this.reporter = reporter;
        this.hypervisor = hypervisor;
        this.settings = settings;
        this.parts = parts;
        this.clock = clock;
        this.interval = settings.interval();
        // an Error would end the heartbeats for good (and the host would be evacuated while its
        // agent could not fence): the program stops instead, to start afresh
        this.thread = new Thread(() -> {
            try {
                run();
            } catch (Error e) {
                BackgroundWork.fatal("the heartbeat loop", e);
            }
        }, "herd-heartbeat");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Asks for a heartbeat now, e.g. because a domain changed state. */
    public void trigger(String what) {
        events.add(what);
    }

    /** Heartbeats the controller has answered. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** When the controller last answered; null before the first answer. */
    public Instant lastAcknowledgedAt() {
        return lastAcknowledgedAt;
    }

    public Duration interval() {
        return interval;
    }

    @Override
    public void close() {
        events.add(STOP);
        try {
            thread.join(settings.timeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        String reason = "start";
        while (true) {
            Outcome outcome = sendOnce(reason);
            boolean ok = outcome == Outcome.ANSWERED;
            Duration wait = switch (outcome) {
                case ANSWERED -> interval;
                case REDIRECTED -> Duration.ZERO;
                case FAILED -> backoff();
            };
            String event;
            try {
                event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event == null) {
                // a heartbeat that failed is retried with its own reason, so an event is not lost
                reason = ok ? "interval" : reason;
                continue;
            }
            List<String> more = new ArrayList<>();
            more.add(event);
            try {
                collectEvents(more);
            } catch (InterruptedException e) {
                return;
            }
            if (more.contains(STOP)) {
                return;
            }
            reason = "event: " + String.join("; ", more);
        }
    }

    /**
     * Adds the events that arrive within {@link #EVENT_BATCH} of the first one, so that the
     * events of one change (a launch defines, then starts a domain) go out in one heartbeat,
     * and those that arrive before {@link #MIN_GAP} since the last heartbeat is over.
     */
    private void collectEvents(List<String> into) throws InterruptedException {
        long deadline = Math.max(System.nanoTime() + EVENT_BATCH.toNanos(), lastSentNanos + MIN_GAP.toNanos());
        while (!into.contains(STOP)) {
            long left = deadline - System.nanoTime();
            String next = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            into.add(next);
        }
        events.drainTo(into);
    }

    /**
     * The wait after a failed heartbeat. It doubles with each round of failures over the
     * controllers configured, from one second (or the interval, if shorter); with several
     * controllers from a quarter second, so that heartbeats find a new leader soon after its
     * election (a lease) without hammering controllers that are all down. While standbys
     * answer (an election is on) it stays at its first value.
     */
    private Duration backoff() {
        int controllerCount = controllers.configured().size();
        Duration first = controllerCount > 1 ? FIRST_FAILOVER_BACKOFF : Duration.ofSeconds(1);
        Duration base = settings.interval().compareTo(first) < 0 ? settings.interval() : first;
        Duration wait = base.multipliedBy(1L << Math.min(Math.max(0, unreachable - 1) / controllerCount, 16));
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /**
     * After an answer: when the connection it came on is lost (the controller stopped or
     * died), a heartbeat goes at once, so that a standby's takeover is found without waiting
     * for the interval.
     */
    private void watchConnection(String target) {
        ManagedChannel channel = controllers.channel(target);
        if (watched == channel || channel.getState(false) != ConnectivityState.READY) {
            return;
        }
        watched = channel;
        channel.notifyWhenStateChanged(ConnectivityState.READY, () -> {
            watched = null;
            trigger("the connection to the controller at " + target + " was lost");
        });
    }

    Outcome sendOnce(String reason) {
        lastSentNanos = System.nanoTime();
        HeartbeatRequest request;
        try {
            request = build(reason);
        } catch (HypervisorException | RuntimeException e) {
            LOG.warn("cannot read the host for a heartbeat: {}", e.toString());
            // nothing reached the controller: as far as fencing goes, this heartbeat went unanswered
            parts.fencing().unanswered();
            failures++;
            unreachable++;
            return Outcome.FAILED;
        }
        String target = controllers.current();
        try {
            HeartbeatResponse response = AgentRegistryGrpc.newBlockingStub(controllers.channel(target))
                    .withDeadlineAfter(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .heartbeat(request);
            if (response.getControllerEpoch() < parts.epochs().highest()) {
                return deposed(target, request, response.getControllerEpoch());
            }
            parts.epochs().observe(response.getControllerEpoch());
            if (!target.equals(answeredBy)) {
                LOG.info("heartbeats now go to {} (leader, epoch {})", target, response.getControllerEpoch());
                answeredBy = target;
            }
            redirectsInARow = 0;
            if (failures > 0) {
                LOG.info("controller reachable again after {} failed heartbeats", failures);
            }
            failures = 0;
            unreachable = 0;
            watchConnection(target);
            acknowledged.incrementAndGet();
            lastAcknowledgedAt = clock.instant();
            parts.fencing().acknowledged(response.getFenceAfterMs(), request.getFencedServerIdsList());
            if (response.getDestroyServerIdsCount() > 0) {
                parts.staleCopies().destroy(response.getDestroyServerIdsList());
            }
            if (response.getHeartbeatIntervalMs() > 0) {
                Duration wanted = Duration.ofMillis(response.getHeartbeatIntervalMs());
                Duration next = wanted.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : wanted;
                if (!next.equals(interval)) {
                    LOG.info("controller set the heartbeat interval to {} ms", next.toMillis());
                    interval = next;
                }
            }
            if (response.getUnknownServerIdsCount() > 0) {
                LOG.warn("controller does not know these herd servers on this host: {}",
                        response.getUnknownServerIdsList());
            }
            return Outcome.ANSWERED;
        } catch (StatusRuntimeException e) {
            // a standby's refusal is no answer from the leader: it does not put off fencing
            parts.fencing().unanswered();
            return failed(target, request, e);
        }
    }

    private Outcome failed(String target, HeartbeatRequest request, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        ControllerEndpoints.Next next = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                ? controllers.failed(target, e) : new ControllerEndpoints.Next(target, false);
        // a standby answered: a controller leads, or will within its lease; no reason to back off further
        unreachable = Leadership.fromStandby(e) ? 0 : unreachable + 1;
        if (next.redirected() && redirectsInARow < MAX_PROMPT_REDIRECTS) {
            redirectsInARow++;
            LOG.debug("heartbeat #{}: {} is a standby; the leader is {}", request.getSequence(), target,
                    next.address());
            return Outcome.REDIRECTED;
        }
        redirectsInARow = 0;
        failures++;
        if (failures == 1 || failures % 10 == 0) {
            LOG.warn("heartbeat #{} to the controller at {} failed ({} in a row): {} {}{}", request.getSequence(),
                    target, failures, code, describe(e),
                    next.address().equals(target) ? "" : "; trying " + next.address() + " next");
        }
        return Outcome.FAILED;
    }

    /** An answer from a controller whose term has ended: it is not the leader, whatever it thinks. */
    private Outcome deposed(String target, HeartbeatRequest request, long epoch) {
        parts.fencing().unanswered();
        failures++;
        unreachable++;
        ControllerEndpoints.Next next = controllers.failed(target, Status.UNAVAILABLE.asRuntimeException());
        LOG.warn("heartbeat #{} was answered by {} in the ended term {} (the leader's epoch is {}): not counted; "
                + "trying {} next", request.getSequence(), target, epoch, parts.epochs().highest(), next.address());
        return Outcome.FAILED;
    }

    private static String describe(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        Throwable cause = e.getStatus().getCause();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return (d == null ? "" : d) + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }

    private HeartbeatRequest build(String reason) throws HypervisorException {
        // an event heartbeat reads only the domains that changed, but at least once an interval
        // every domain is read again, so that a change no event announced is still reported
        Instant at = clock.instant();
        boolean full = !reason.startsWith("event: ") || !at.isBefore(lastFullRead.plus(interval));
        if (full) {
            lastFullRead = at;
        }
        HostInfo info = reporter.hostInfo(full);
        List<AgentServer> servers = lastServers;
        if (!info.getDegraded()) {
            try {
                List<AgentServer> now = new ArrayList<>();
                for (HerdDomain d : hypervisor.listDomains(false)) {
                    now.add(ProtoMapper.server(d));
                }
                servers = now;
                lastServers = now;
            } catch (HypervisorException e) {
                // libvirt went away between the two calls: report the last known domains, degraded
                info = info.toBuilder().setDegraded(true).setDegradedReason(e.getMessage()).build();
            }
        }
        io.herd.common.LaunchLimits limits = parts.limits();
        HeartbeatRequest.Builder b = HeartbeatRequest.newBuilder()
                .setLimits(LaunchLimits.newBuilder().setMaxVcpus(limits.maxVcpus())
                        .setMaxMemoryMib(limits.maxMemoryMib()).setMaxDiskGib(limits.maxDiskGib()))
                .addAllFencedServerIds(parts.fencing().toReport());
        if (!info.getDegraded()) {
            b.addAllImages(parts.images().list());
        }
        return b
                .setHostId(info.getHostId())
                .setHostName(info.getHostName())
                .setAgentAddress(settings.agentAddress())
                .setLabels(info.getLabels())
                .setCapacity(info.getCapacity())
                .setUsage(info.getUsage())
                .setForeignUsage(info.getForeignUsage())
                .addAllServers(servers)
                .setAcceleration(info.getAcceleration())
                .setDegraded(info.getDegraded())
                .setDegradedReason(info.getDegradedReason())
                .setAgentVersion(info.getAgentVersion())
                .setSequence(sequence.incrementAndGet())
                .setReason(reason)
                .build();
    }
}
