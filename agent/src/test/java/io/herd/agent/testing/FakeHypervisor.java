package io.herd.agent.testing;

import io.herd.agent.hypervisor.Acceleration;
import io.herd.agent.hypervisor.DomainEventListener;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.HostFacts;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.agent.hypervisor.LaunchResult;
import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.ResourceAmount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A hypervisor in memory, for tests of the layers above it; can be switched to degraded. */
public final class FakeHypervisor implements Hypervisor {

    private final Map<UUID, HerdDomain> domains = new ConcurrentHashMap<>();
    private volatile boolean degraded;
    private volatile DomainEventListener listener = what -> { };

    public void setDegraded(boolean degraded) {
        this.degraded = degraded;
        listener.onEvent(degraded ? "libvirt lost" : "libvirt connected");
    }

    @Override
    public HostFacts hostFacts() {
        long vcpus = domains.values().stream().mapToLong(d -> d.spec().vcpus()).sum();
        long memory = domains.values().stream().mapToLong(d -> d.spec().memoryMib()).sum();
        return new HostFacts(8, 16384, 100, 50, "FAKE", "0.0.0", Acceleration.TEST,
                new ResourceAmount(vcpus, memory, 0), ResourceAmount.ZERO, domains.size(), degraded,
                degraded ? "fake libvirt is down" : "");
    }

    @Override
    public List<HerdDomain> listDomains() throws HypervisorException {
        check();
        return new ArrayList<>(domains.values());
    }

    @Override
    public LaunchResult launch(DomainSpec spec) throws HypervisorException {
        check();
        HerdDomain d = new HerdDomain(spec, HerdDomain.State.RUNNING, "running", "");
        HerdDomain before = domains.putIfAbsent(spec.serverId(), d);
        listener.onEvent(spec.domainName() + " STARTED");
        return new LaunchResult(before == null ? d : before, before != null);
    }

    @Override
    public boolean delete(UUID serverId) throws HypervisorException {
        check();
        return domains.remove(serverId) != null;
    }

    @Override
    public boolean degraded() {
        return degraded;
    }

    @Override
    public void setEventListener(DomainEventListener listener) {
        this.listener = listener;
    }

    @Override
    public void close() {
    }

    private void check() throws HypervisorException {
        if (degraded) {
            throw new HypervisorException(HypervisorException.Kind.UNAVAILABLE, "fake libvirt is down");
        }
    }
}
