package io.herd.agent.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * What the agent needs from a hypervisor. {@link LibvirtHypervisor} is the real one; tests of
 * the other packages use a small hand-written fake.
 */
public interface Hypervisor extends AutoCloseable {

    /** Node size, usage by every domain, acceleration and whether libvirt is reachable. */
    HostFacts hostFacts() throws HypervisorException;

    /** herd's domains (those carrying herd's metadata) with their current state. */
    List<HerdDomain> listDomains() throws HypervisorException;

    /**
     * Like {@link #hostFacts()}; with {@code full} false it may re-read only the domains that
     * lifecycle events (or herd's own launches and deletes) said changed since the last read,
     * which is cheap on a host with many domains. Callers do a full read now and then.
     */
    default HostFacts hostFacts(boolean full) throws HypervisorException {
        return hostFacts();
    }

    /** Like {@link #listDomains()}; with {@code full} false, as for {@link #hostFacts(boolean)}. */
    default List<HerdDomain> listDomains(boolean full) throws HypervisorException {
        return listDomains();
    }

    /**
     * Defines and starts the domain; returns once it runs. A domain that already exists with
     * the same spec is returned as it is ({@code alreadyExisted}); with another spec the launch
     * fails with {@link HypervisorException.Kind#CONFLICT}. A failed launch leaves no domain
     * and no volume behind.
     */
    LaunchResult launch(DomainSpec spec) throws HypervisorException;

    /**
     * Stops and undefines herd's domain of that server and deletes its root volume.
     *
     * @return false when there was no such domain
     */
    boolean delete(UUID serverId) throws HypervisorException;

    /** True while libvirt is unreachable (the agent keeps running and reconnects). */
    boolean degraded();

    /** Called from libvirt's event thread on lifecycle changes and on reconnects; keep it quick. */
    void setEventListener(DomainEventListener listener);

    @Override
    void close();
}
