package io.herd.agent.hypervisor;

import java.nio.file.Path;
import java.util.Locale;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.ConnectionCloseListener;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open libvirt connection with what was learnt when it opened: driver, version,
 * acceleration and the image pool. Replaced as a whole when libvirtd comes back.
 */
final class LibvirtSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtSession.class);

    final Connect conn;
    final ImagePool images;
    final String hypervisorType;
    final String libvirtVersion;
    final Acceleration acceleration;
    /** The {@code type} attribute of herd's domains on this driver. */
    final String domainType;
    /** Parsed XML of the domains seen on this connection. */
    final MetadataCache metadata = new MetadataCache();
    /** Every domain as last read, refreshed in full or by what changed. */
    final DomainTable domains = new DomainTable();
    /** Events herd's own launches and deletes will cause (they need no heartbeat). */
    final OwnEvents ownEvents = new OwnEvents();
    /** The events a start announces on this driver (QEMU starts paused, then resumes). */
    final DomainEventType[] startEvents;
    /** The events a destroy announces on this driver (QEMU reports the shutdown, then the stop). */
    final DomainEventType[] destroyEvents;
    private final LifecycleListener lifecycle;
    private final boolean closeListenerRegistered;

    private LibvirtSession(Connect conn, ImagePool images, String hypervisorType, String libvirtVersion,
                           Acceleration acceleration, String domainType, LifecycleListener lifecycle,
                           boolean closeListenerRegistered) {
        this.conn = conn;
        this.images = images;
        this.hypervisorType = hypervisorType;
        this.libvirtVersion = libvirtVersion;
        this.acceleration = acceleration;
        this.domainType = domainType;
        this.lifecycle = lifecycle;
        this.closeListenerRegistered = closeListenerRegistered;
        boolean qemu = "QEMU".equalsIgnoreCase(hypervisorType);
        this.startEvents = qemu ? new DomainEventType[] {DomainEventType.STARTED, DomainEventType.RESUMED}
                : new DomainEventType[] {DomainEventType.STARTED};
        this.destroyEvents = qemu ? new DomainEventType[] {DomainEventType.SHUTDOWN, DomainEventType.STOPPED}
                : new DomainEventType[] {DomainEventType.STOPPED};
    }

    static LibvirtSession open(String uri, Path imageDir, String poolName, LifecycleListener lifecycle,
                               ConnectionCloseListener onClose) throws LibvirtException {
        LibvirtEventLoop.ensureRunning();
        Connect conn = new Connect(uri, false);
        try {
            String type = conn.getType();
            String version = version(conn.getLibVersion());
            Acceleration acceleration;
            String domainType;
            if ("TEST".equalsIgnoreCase(type)) {
                acceleration = Acceleration.TEST;
                domainType = "test";
            } else if ("QEMU".equalsIgnoreCase(type)) {
                boolean kvm = conn.getCapabilities().contains("<domain type='kvm'");
                acceleration = kvm ? Acceleration.KVM : Acceleration.TCG;
                domainType = kvm ? "kvm" : "qemu";
            } else {
                acceleration = Acceleration.UNKNOWN;
                domainType = type.toLowerCase(Locale.ROOT);
            }
            boolean closeRegistered = false;
            if (!"TEST".equalsIgnoreCase(type)) {
                // remote drivers: notice a vanished libvirtd within seconds, not at the next call
                conn.setKeepAlive(5, 3);
                conn.registerCloseListener(onClose);
                closeRegistered = true;
            }
            conn.addLifecycleListener(lifecycle);
            ImagePool images = ImagePool.open(conn, imageDir, poolName);
            LOG.info("connected to {} ({} libvirt {}, {})", uri, type, version, acceleration);
            return new LibvirtSession(conn, images, type, version, acceleration, domainType, lifecycle,
                    closeRegistered);
        } catch (LibvirtException | RuntimeException e) {
            try {
                conn.close();
            } catch (LibvirtException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
    }

    boolean alive() {
        try {
            return conn.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    private static String version(long v) {
        return (v / 1_000_000) + "." + (v / 1000 % 1000) + "." + (v % 1000);
    }

    @Override
    public void close() {
        images.close();
        try {
            conn.removeLifecycleListener(lifecycle);
        } catch (LibvirtException e) {
            LOG.debug("removing lifecycle listener: {}", e.getMessage());
        }
        if (closeListenerRegistered) {
            try {
                conn.unregisterCloseListener();
            } catch (LibvirtException e) {
                LOG.debug("unregistering close listener: {}", e.getMessage());
            }
        }
        try {
            conn.close();
        } catch (LibvirtException e) {
            LOG.debug("closing libvirt connection: {}", e.getMessage());
        }
    }
}
