package io.herd.agent.registration;

import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.common.BackgroundWork;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys, at the controller's command, this host's domains of servers that now live on
 * another host (moved while this host was down or cut off). One at a time, off the heartbeat
 * thread; only herd's domains by server id, so a domain herd did not create is never touched.
 * A copy that could not be removed is reported again by the next heartbeat and named again.
 */
public final class StaleCopies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StaleCopies.class);

    private final Hypervisor hypervisor;
    private final Runnable afterRemoval;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "herd-stale-copies");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** @param afterRemoval called after copies were removed (e.g. to send a heartbeat at once) */
    public StaleCopies(Hypervisor hypervisor, Runnable afterRemoval) {
        this.hypervisor = hypervisor;
        this.afterRemoval = afterRemoval;
    }

    /** Queues the removal of each named domain not already queued. */
    public void destroy(Collection<String> serverIds) {
        for (String id : serverIds) {
            UUID uuid;
            try {
                uuid = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                LOG.warn("the controller named a server id that is not a UUID: '{}'", id);
                continue;
            }
            if (!queued.add(id)) {
                continue;
            }
            try {
                worker.execute(() -> BackgroundWork.run("removing a stale copy", () -> remove(id, uuid)));
            } catch (RejectedExecutionException e) {
                queued.remove(id);
                return;
            }
        }
    }

    private void remove(String id, UUID uuid) {
        try {
            boolean existed = hypervisor.delete(uuid);
            LOG.warn("destroyed the copy of server {} on this host at the controller's command: the server now "
                    + "lives on another host{}", id, existed ? "" : " (it was already gone)");
            afterRemoval.run();
        } catch (HypervisorException e) {
            LOG.error("cannot destroy the copy of server {} the controller asked to remove: {}", id, e.getMessage());
        } finally {
            queued.remove(id);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
