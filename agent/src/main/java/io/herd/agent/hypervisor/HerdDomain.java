package io.herd.agent.hypervisor;

/**
 * One of herd's domains as libvirt reports it.
 *
 * @param spec         what it was launched with (read back from its metadata and XML)
 * @param state        coarse state
 * @param libvirtState libvirt's state name, e.g. {@code running}, {@code shutoff}
 * @param rootVolume   path of its root volume, empty when diskless
 */
public record HerdDomain(DomainSpec spec, State state, String libvirtState, String rootVolume) {

    /** The same domain, reported as being launched. */
    public HerdDomain starting() {
        return new HerdDomain(spec, State.STARTING, libvirtState, rootVolume);
    }

    /** Coarse state of a domain. */
    public enum State {
        /** Running (or blocked in the host). */
        RUNNING,
        /** Defined but not running: shut off, paused, crashed, suspended. */
        STOPPED,
        /** Being launched by this agent right now (defined, not started yet): neither up nor down. */
        STARTING,
        /** libvirt could not tell. */
        UNKNOWN
    }
}
