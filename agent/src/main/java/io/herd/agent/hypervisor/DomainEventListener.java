package io.herd.agent.hypervisor;

/** Told about domain lifecycle changes and about libvirt connection changes. */
@FunctionalInterface
public interface DomainEventListener {

    /**
     * @param what a short description, e.g. {@code "herd-<id> STOPPED DESTROYED"} or
     *             {@code "libvirt reconnected"}
     */
    void onEvent(String what);
}
