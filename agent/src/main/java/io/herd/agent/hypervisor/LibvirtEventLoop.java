package io.herd.agent.hypervisor;

import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, run on one daemon thread of its own for the whole process.
 * It must be registered before the first connection is opened, so that connections get
 * keepalives, close callbacks and domain lifecycle events.
 */
final class LibvirtEventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtEventLoop.class);
    private static Thread thread;
    /**
     * libvirt prints every error to stderr unless a callback takes them; herd reports errors
     * itself (from the exception), so this one drops them. Held in a field: JNA callbacks must
     * stay reachable while native code may call them.
     */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (userData, error) -> { };

    private LibvirtEventLoop() {}

    static synchronized void ensureRunning() throws LibvirtException {
        if (thread != null) {
            return;
        }
        Connect.setErrorCallback(QUIET);
        Library.initEventLoop();
        Thread t = new Thread(LibvirtEventLoop::run, "libvirt-event-loop");
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    private static void run() {
        try {
            Library.runEventLoop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (LibvirtException e) {
            LOG.error("libvirt event loop stopped: {}", e.getMessage(), e);
        }
    }
}
