package io.herd.agent.hypervisor;

import io.herd.common.BackgroundWork;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.libvirt.LibvirtException;
import org.libvirt.event.ConnectionCloseListener;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real hypervisor: libvirt through libvirt-java. Keeps one connection open, and when
 * libvirtd goes away reports itself degraded and reconnects with exponential backoff; calls
 * made meanwhile fail with {@link HypervisorException.Kind#UNAVAILABLE}.
 */
public final class LibvirtHypervisor implements Hypervisor {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtHypervisor.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration HEALTH_CHECK = Duration.ofSeconds(5);

    /**
     * @param uri                 libvirt connection URI
     * @param imageDir            directory of base images and root volumes
     * @param imagePoolName       name of the transient dir pool started when no pool covers imageDir
     * @param reconnectMaxBackoff longest wait between reconnect attempts
     */
    public record Options(String uri, Path imageDir, String imagePoolName, Duration reconnectMaxBackoff) {
        public Options {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(imageDir, "imageDir");
            Objects.requireNonNull(imagePoolName, "imagePoolName");
            Objects.requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
        }
    }

    private final Options options;
    private final ScheduledExecutorService supervisor;
    private final ReentrantLock[] stripes = new ReentrantLock[64];
    /** Servers whose launch is running now. */
    private final java.util.Set<UUID> launching = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock sessionLock = new ReentrantReadWriteLock();
    private final LifecycleListener lifecycle = this::onLifecycle;
    private final ConnectionCloseListener onClose = (conn, reason) ->
            submitLost("libvirt closed the connection (" + reason + ")");
    private volatile LibvirtSession session;
    private volatile String degradedReason = "not connected yet";
    private volatile HostFacts lastFacts;
    private volatile DomainEventListener listener = what -> { };
    private Duration nextRetry = FIRST_RETRY;
    private volatile boolean closed;

    private LibvirtHypervisor(Options options) {
        this.options = options;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libvirt-supervisor");
            t.setDaemon(true);
            return t;
        });
        this.lastFacts = new HostFacts(0, 0, 0, 0, "", "", Acceleration.UNKNOWN, ResourceAmount.ZERO,
                ResourceAmount.ZERO, 0, true, degradedReason);
    }

    /**
     * Connects now; if libvirt is unreachable, returns a degraded hypervisor that keeps trying.
     */
    public static LibvirtHypervisor open(Options options) {
        LibvirtHypervisor h = new LibvirtHypervisor(options);
        h.supervisor.execute(h::connect);
        // wait for the first attempt so that a reachable libvirt is ready when open() returns
        try {
            h.supervisor.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        h.supervisor.scheduleWithFixedDelay(() -> BackgroundWork.run("the libvirt health check", h::checkAlive),
                HEALTH_CHECK.toMillis(), HEALTH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    public String uri() {
        return options.uri();
    }

    @Override
    public boolean degraded() {
        return session == null;
    }

    @Override
    public void setEventListener(DomainEventListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    @Override
    public HostFacts hostFacts() throws HypervisorException {
        return hostFacts(true);
    }

    @Override
    public HostFacts hostFacts(boolean full) throws HypervisorException {
        if (session == null) {
            return lastFacts.asDegraded(degradedReason);
        }
        HostFacts facts;
        try {
            facts = withSession(s -> {
                var node = s.conn.nodeInfo();
                DomainOps.Usage usage = DomainOps.usage(s.domains.refresh(s, full));
                // nodeInfo().memory is KiB
                return new HostFacts(node.cpus, node.memory / 1024, s.images.diskTotalGib(), s.images.diskFreeGib(),
                        s.hypervisorType, s.libvirtVersion, s.acceleration, usage.all(), usage.foreign(),
                        usage.domainCount(), false, "");
            });
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.UNAVAILABLE) {
                return lastFacts.asDegraded(e.getMessage());
            }
            throw e;
        }
        lastFacts = facts;
        return facts;
    }

    @Override
    public List<HerdDomain> listDomains() throws HypervisorException {
        return listDomains(true);
    }

    @Override
    public List<HerdDomain> listDomains(boolean full) throws HypervisorException {
        // a domain read between its define and its start is not shut off: it is starting. Its
        // launch began before the read (launching is marked before the define), so it is in the
        // set taken before the read, or still in the set after it
        java.util.Set<UUID> before = launching.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(launching);
        List<HerdDomain> domains = withSession(s -> DomainOps.list(s.domains.refresh(s, full)));
        if (before.isEmpty() && launching.isEmpty()) {
            return domains;
        }
        List<HerdDomain> out = new java.util.ArrayList<>(domains.size());
        for (HerdDomain d : domains) {
            UUID id = d.spec().serverId();
            out.add(before.contains(id) || launching.contains(id) ? d.starting() : d);
        }
        return out;
    }

    @Override
    public LaunchResult launch(DomainSpec spec) throws HypervisorException {
        ReentrantLock lock = stripe(spec.serverId());
        lock.lock();
        launching.add(spec.serverId());
        try {
            return withSession(s -> DomainOps.launch(s, spec));
        } finally {
            launching.remove(spec.serverId());
            lock.unlock();
        }
    }

    @Override
    public boolean delete(UUID serverId) throws HypervisorException {
        ReentrantLock lock = stripe(serverId);
        lock.lock();
        try {
            return withSession(s -> DomainOps.delete(s, serverId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        supervisor.shutdownNow();
        try {
            supervisor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LibvirtSession s = detachSession();
        if (s != null) {
            s.close();
        }
    }

    private interface LibvirtCall<T> {
        T run(LibvirtSession s) throws LibvirtException, IOException, HypervisorException;
    }

    /**
     * Runs body on the current session. Calls hold the read lock so that a session is closed
     * (under the write lock) only once no call is using its native connection.
     */
    private <T> T withSession(LibvirtCall<T> body) throws HypervisorException {
        sessionLock.readLock().lock();
        try {
            LibvirtSession s = requireSession();
            return call(s, body);
        } finally {
            sessionLock.readLock().unlock();
        }
    }

    private LibvirtSession detachSession() {
        sessionLock.writeLock().lock();
        try {
            LibvirtSession s = session;
            session = null;
            return s;
        } finally {
            sessionLock.writeLock().unlock();
        }
    }

    private <T> T call(LibvirtSession s, LibvirtCall<T> body) throws HypervisorException {
        try {
            return body.run(s);
        } catch (LibvirtException e) {
            String message = LibvirtErrors.message(e);
            if (LibvirtErrors.isConnectionLost(e) || !s.alive()) {
                submitLost("libvirt connection lost: " + message);
                throw new HypervisorException(HypervisorException.Kind.UNAVAILABLE,
                        "libvirt at " + options.uri() + " is unreachable (" + message + "); the agent is reconnecting", e);
            }
            throw new HypervisorException(HypervisorException.Kind.FAILED, message, e);
        } catch (IOException e) {
            throw new HypervisorException(HypervisorException.Kind.FAILED, e.toString(), e);
        }
    }

    private LibvirtSession requireSession() throws HypervisorException {
        LibvirtSession s = session;
        if (s == null) {
            throw new HypervisorException(HypervisorException.Kind.UNAVAILABLE,
                    "libvirt at " + options.uri() + " is unreachable (" + degradedReason
                            + "); the agent is reconnecting, retry later");
        }
        return s;
    }

    private ReentrantLock stripe(UUID id) {
        return stripes[Math.floorMod(id.hashCode(), stripes.length)];
    }

    /** Runs on the supervisor thread only. */
    private void connect() {
        if (closed || session != null) {
            return;
        }
        try {
            session = LibvirtSession.open(options.uri(), options.imageDir(), options.imagePoolName(), lifecycle, onClose);
            degradedReason = "";
            nextRetry = FIRST_RETRY;
            listener.onEvent("libvirt connected");
        } catch (LibvirtException | RuntimeException e) {
            String message = e instanceof LibvirtException ? LibvirtErrors.message((LibvirtException) e) : e.toString();
            degradedReason = "cannot connect to " + options.uri() + ": " + message;
            LOG.warn("{}; retrying in {} ms (degraded meanwhile)", degradedReason, nextRetry.toMillis());
            supervisor.schedule(this::connect, nextRetry.toMillis(), TimeUnit.MILLISECONDS);
            Duration doubled = nextRetry.multipliedBy(2);
            nextRetry = doubled.compareTo(options.reconnectMaxBackoff()) > 0 ? options.reconnectMaxBackoff() : doubled;
        }
    }

    private void checkAlive() {
        LibvirtSession s = session;
        if (s != null && !s.alive()) {
            lost("libvirt connection is no longer alive");
        }
    }

    private void submitLost(String reason) {
        if (!closed) {
            supervisor.execute(() -> lost(reason));
        }
    }

    /** Runs on the supervisor thread only. */
    private void lost(String reason) {
        if (session == null || closed) {
            return;
        }
        degradedReason = reason;
        LibvirtSession s = detachSession();
        if (s == null) {
            return;
        }
        LOG.error("{} — agent degraded, reconnecting to {}", reason, options.uri());
        s.close();
        listener.onEvent("libvirt lost");
        nextRetry = FIRST_RETRY;
        supervisor.schedule(this::connect, nextRetry.toMillis(), TimeUnit.MILLISECONDS);
    }

    private int onLifecycle(org.libvirt.Domain dom, org.libvirt.event.DomainEvent event) {
        String name;
        boolean own = false;
        try {
            DomainEventType type = event.getType();
            LibvirtSession s = session;
            if (s != null) {
                String uuid = dom.getUUIDString();
                own = s.ownEvents.consume(uuid, type);
                if (!own && (type == DomainEventType.DEFINED || type == DomainEventType.UNDEFINED)) {
                    // defined again or removed behind herd's back: its XML must be read afresh
                    s.metadata.forget(uuid);
                }
                s.domains.changed(uuid);
            }
            name = dom.getName();
        } catch (LibvirtException e) {
            name = "?";
        } finally {
            try {
                dom.free();
            } catch (LibvirtException e) {
                LOG.debug("freeing event domain: {}", e.getMessage());
            }
        }
        String what = name + " " + event;
        if (own) {
            // herd's own launch or delete: the controller has it from the call's answer
            LOG.debug("lifecycle event of herd's own change: {}", what);
            return 0;
        }
        LOG.debug("lifecycle event: {}", what);
        try {
            listener.onEvent(what);
        } catch (RuntimeException e) {
            LOG.warn("event listener failed on {}: {}", what, e.toString());
        }
        return 0;
    }
}
