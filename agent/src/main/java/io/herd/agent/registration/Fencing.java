package io.herd.agent.registration;

import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.common.BackgroundWork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing. The controller places a server of an EVACUATE group elsewhere once its host
 * has been silent for a while; so that a host cut off from the controller (a partition) never
 * runs a copy of a server started elsewhere, this agent destroys those servers' domains (the
 * ones launched with {@code fence}) itself once the controller has not answered a heartbeat
 * for the fencing period the controller gave it, which ends before the controller moves them.
 *
 * <p>The fencing period and the time of the last answer are kept in the state directory, so
 * a restarted agent still knows them; a restarted agent fences only if its first heartbeat
 * fails too. The servers it fenced are kept there as well and reported in every heartbeat
 * until the controller has answered one that carried them (the controller then launches
 * those that still belong on this host again).
 */
public final class Fencing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);
    private static final String STATE_FILE = "fencing.properties";
    private static final String FENCED_FILE = "fenced-servers";

    private final Hypervisor hypervisor;
    private final Path stateDir;
    private final Clock clock;
    private final Runnable afterFencing;
    private final ScheduledExecutorService timer;
    /** 0: never fence (the controller has not asked for it). */
    private long fenceAfterMs;
    private Instant lastAcknowledged;
    private Instant lastPersisted = Instant.MIN;
    /** Set once the first heartbeat of this process has been tried: fence only after that. */
    private boolean firstAttemptDone;
    private final Set<String> fenced = new LinkedHashSet<>();

    /**
     * @param afterFencing called after domains were fenced (e.g. to try a heartbeat at once)
     */
    public Fencing(Hypervisor hypervisor, Path stateDir, Clock clock, Runnable afterFencing) {
        this.hypervisor = hypervisor;
        this.stateDir = stateDir;
        this.clock = clock;
        this.afterFencing = afterFencing;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herd-fencing");
            t.setDaemon(true);
            return t;
        });
        load();
    }

    /** Checks every {@code period} whether the agent must fence. */
    public void start(Duration period) {
        timer.scheduleWithFixedDelay(() -> BackgroundWork.run("the fencing check", this::check), period.toMillis(),
                period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The controller answered a heartbeat that carried {@code reported} fenced server ids. */
    public synchronized void acknowledged(long newFenceAfterMs, Collection<String> reported) {
        Instant now = clock.instant();
        firstAttemptDone = true;
        lastAcknowledged = now;
        boolean changed = newFenceAfterMs != fenceAfterMs;
        if (changed) {
            LOG.info("the controller set the fencing period to {} ms{}", newFenceAfterMs,
                    newFenceAfterMs == 0 ? " (never fence)" : "");
            fenceAfterMs = newFenceAfterMs;
        }
        if (fenced.removeAll(reported)) {
            saveFenced();
        }
        // the time of the last answer matters after a restart; a few seconds' staleness is harmless
        if (changed || Duration.between(lastPersisted, now).compareTo(Duration.ofSeconds(1)) >= 0) {
            saveState();
            lastPersisted = now;
        }
    }

    /** A heartbeat was tried and not answered. */
    public synchronized void unanswered() {
        firstAttemptDone = true;
    }

    /** Servers fenced and not yet reported to the controller in an answered heartbeat. */
    public synchronized List<String> toReport() {
        return List.copyOf(fenced);
    }

    /** When the agent fences if no heartbeat is answered before; null when it never fences. */
    public synchronized Instant deadline() {
        return fenceAfterMs <= 0 || lastAcknowledged == null ? null : lastAcknowledged.plusMillis(fenceAfterMs);
    }

    /** Destroys the fenced domains now if the fencing period has passed without an answer. */
    void check() {
        Instant deadline;
        synchronized (this) {
            deadline = deadline();
            if (deadline == null || !firstAttemptDone || clock.instant().isBefore(deadline)) {
                return;
            }
        }
        List<String> destroyed = new ArrayList<>();
        try {
            for (HerdDomain d : hypervisor.listDomains()) {
                if (!d.spec().fence()) {
                    continue;
                }
                String id = d.spec().serverId().toString();
                LOG.error("FENCING: no answer from the controller since {}; destroying server {} ({}), whose group "
                        + "is placed elsewhere when its host is cut off", deadline.minusMillis(fenceAfterMs), id,
                        d.spec().name());
                hypervisor.delete(d.spec().serverId());
                destroyed.add(id);
            }
        } catch (HypervisorException e) {
            LOG.error("FENCING: cannot destroy this host's fenced domains: {}", e.getMessage());
        }
        if (!destroyed.isEmpty()) {
            synchronized (this) {
                fenced.addAll(destroyed);
                saveFenced();
            }
            afterFencing.run();
        }
    }

    private void load() {
        Path state = stateDir.resolve(STATE_FILE);
        if (Files.isRegularFile(state)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
                p.load(in);
                fenceAfterMs = Long.parseLong(p.getProperty("fence_after_ms", "0"));
                long last = Long.parseLong(p.getProperty("last_acknowledged_ms", "0"));
                lastAcknowledged = last > 0 ? Instant.ofEpochMilli(last) : null;
            } catch (IOException | NumberFormatException e) {
                LOG.warn("ignoring an unreadable {}: {}", state, e.toString());
            }
        }
        Path list = stateDir.resolve(FENCED_FILE);
        if (Files.isRegularFile(list)) {
            try {
                Files.readAllLines(list, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(l -> !l.isEmpty()).forEach(fenced::add);
            } catch (IOException e) {
                LOG.warn("ignoring an unreadable {}: {}", list, e.toString());
            }
        }
        if (lastAcknowledged != null && fenceAfterMs > 0) {
            LOG.info("fencing: period {} ms, last answer from the controller at {}", fenceAfterMs, lastAcknowledged);
        }
    }

    private void saveState() {
        write(STATE_FILE, "fence_after_ms=" + fenceAfterMs + "\nlast_acknowledged_ms="
                + (lastAcknowledged == null ? 0 : lastAcknowledged.toEpochMilli()) + "\n");
    }

    private void saveFenced() {
        write(FENCED_FILE, fenced.isEmpty() ? "" : String.join("\n", fenced) + "\n");
    }

    private void write(String name, String content) {
        Path target = stateDir.resolve(name);
        Path tmp = stateDir.resolve(name + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", target, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
