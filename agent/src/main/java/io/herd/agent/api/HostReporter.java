package io.herd.agent.api;

import io.herd.agent.host.HostIdentity;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.api.v1.HostInfo;

/** Reads the host's current facts from the hypervisor and reports them as {@link HostInfo}. */
public final class HostReporter {

    private final Hypervisor hypervisor;
    private final HostIdentity identity;
    private final HostPolicy policy;

    public HostReporter(Hypervisor hypervisor, HostIdentity identity, HostPolicy policy) {
        this.hypervisor = hypervisor;
        this.identity = identity;
        this.policy = policy;
    }

    public HostIdentity identity() {
        return identity;
    }

    public HostInfo hostInfo() throws HypervisorException {
        return hostInfo(true);
    }

    /** With {@code full} false, see {@link Hypervisor#hostFacts(boolean)}. */
    public HostInfo hostInfo(boolean full) throws HypervisorException {
        return ProtoMapper.hostInfo(identity, policy, hypervisor.hostFacts(full));
    }
}
