package io.herd.agent.hypervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.libvirt.event.DomainEventType;

/**
 * The lifecycle events herd's own launches and deletes are about to cause. The controller
 * learns of those changes from the answer to its call, so such an event needs no heartbeat;
 * any other event (a domain stopped, crashed or undefined behind herd's back) still gets one
 * at once. Each expectation is used up by one event of its type for its domain, and lapses
 * after {@link #LAPSE} if that event never comes. Thread-safe.
 */
final class OwnEvents {

    /** How long an expected event is waited for; libvirt delivers them within milliseconds. */
    static final Duration LAPSE = Duration.ofSeconds(30);

    private record Expected(DomainEventType type, long deadline) {
    }

    private final Map<String, List<Expected>> byUuid = new HashMap<>();
    private final LongSupplier nanoTime;

    OwnEvents() {
        this(System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds (tests pass their own) */
    OwnEvents(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** herd is about to change the domain in a way that libvirt announces with these events. */
    synchronized void expect(String uuid, DomainEventType... types) {
        long deadline = nanoTime.getAsLong() + LAPSE.toNanos();
        dropLapsed();
        List<Expected> list = byUuid.computeIfAbsent(uuid, k -> new ArrayList<>());
        for (DomainEventType t : types) {
            list.add(new Expected(t, deadline));
        }
    }

    /** herd's change failed: whatever libvirt announces of the domain now is news. */
    synchronized void cancel(String uuid) {
        byUuid.remove(uuid);
    }

    /** Whether this event was expected (and is now used up). */
    synchronized boolean consume(String uuid, DomainEventType type) {
        List<Expected> list = byUuid.get(uuid);
        if (list == null) {
            return false;
        }
        long now = nanoTime.getAsLong();
        boolean found = false;
        for (Iterator<Expected> it = list.iterator(); it.hasNext(); ) {
            Expected e = it.next();
            if (now - e.deadline() > 0) {
                it.remove();
            } else if (!found && e.type() == type) {
                it.remove();
                found = true;
            }
        }
        if (list.isEmpty()) {
            byUuid.remove(uuid);
        }
        return found;
    }

    /** Domains with expectations outstanding (for tests). */
    synchronized int pending() {
        dropLapsed();
        return byUuid.size();
    }

    private void dropLapsed() {
        long now = nanoTime.getAsLong();
        byUuid.values().removeIf(list -> {
            list.removeIf(e -> now - e.deadline() > 0);
            return list.isEmpty();
        });
    }
}
