package io.herd.agent.hypervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Launch, delete, list and count domains on one session. Callers serialise per server id. */
final class DomainOps {

    private static final Logger LOG = LoggerFactory.getLogger(DomainOps.class);

    private DomainOps() {}

    static LaunchResult launch(LibvirtSession s, DomainSpec spec)
            throws LibvirtException, IOException, HypervisorException {
        try {
            return launchOnce(s, spec);
        } finally {
            // whatever happened, the next refresh reads this domain again
            s.domains.changed(spec.serverId().toString());
        }
    }

    private static LaunchResult launchOnce(LibvirtSession s, DomainSpec spec)
            throws LibvirtException, IOException, HypervisorException {
        Domain existing = lookup(s, spec.serverId());
        if (existing != null) {
            try {
                return relaunch(s, existing, spec);
            } finally {
                existing.free();
            }
        }
        String rootVolume = null;
        if (!spec.diskless()) {
            Path base = s.images.baseImage(spec.image());
            rootVolume = s.images.createOverlay(spec.serverId(), base, spec.diskGib());
        }
        boolean launched = false;
        String uuid = spec.serverId().toString();
        s.metadata.forget(uuid);
        long generation = s.metadata.generation();
        // the controller learns of this launch from the answer: its events need no heartbeat
        s.ownEvents.expect(uuid, DomainEventType.DEFINED);
        s.ownEvents.expect(uuid, s.startEvents);
        try {
            Domain dom = s.conn.domainDefineXML(DomainXml.build(spec, s.domainType, rootVolume));
            try {
                try {
                    dom.create();
                } catch (LibvirtException startFailed) {
                    undefineQuietly(dom, startFailed);
                    throw startFailed;
                }
                // what herd just wrote is what the XML says: no need to read it back
                DomainXml.Parsed parsed = new DomainXml.Parsed(Optional.of(spec),
                        rootVolume == null ? "" : rootVolume, spec.vcpus(), spec.memoryMib());
                s.metadata.remember(uuid, parsed, generation);
                DomainInfo.DomainState state = dom.getInfo().state;
                launched = true;
                LOG.info("launched {} ({})", spec.domainName(), spec.name());
                return new LaunchResult(new HerdDomain(spec, coarse(state), stateName(state), parsed.rootVolume()),
                        false);
            } finally {
                dom.free();
            }
        } finally {
            if (!launched) {
                s.ownEvents.cancel(uuid);
            }
            if (!launched && rootVolume != null) {
                try {
                    s.images.deleteOverlay(spec.serverId());
                } catch (LibvirtException e) {
                    LOG.warn("could not remove volume of failed launch {}: {}", spec.domainName(), e.getMessage());
                }
            }
        }
    }

    private static LaunchResult relaunch(LibvirtSession s, Domain existing, DomainSpec spec)
            throws LibvirtException, HypervisorException {
        HerdDomain current = describe(existing).orElseThrow(() -> new HypervisorException(
                HypervisorException.Kind.NOT_HERDS,
                "a domain with UUID " + spec.serverId() + " exists and is not herd's; herd leaves it alone"));
        if (!current.spec().equals(spec)) {
            throw new HypervisorException(HypervisorException.Kind.CONFLICT,
                    "server " + spec.serverId() + " already exists with another spec: " + current.spec());
        }
        if (existing.isActive() == 0) {
            String uuid = spec.serverId().toString();
            s.ownEvents.expect(uuid, s.startEvents);
            try {
                existing.create();
            } catch (LibvirtException e) {
                s.ownEvents.cancel(uuid);
                throw e;
            }
            current = describe(existing).orElseThrow();
        }
        return new LaunchResult(current, true);
    }

    static boolean delete(LibvirtSession s, UUID serverId) throws LibvirtException, HypervisorException {
        Domain dom = lookup(s, serverId);
        if (dom == null) {
            // a crash between volume creation and define may have left the volume behind
            s.images.deleteOverlay(serverId);
            return false;
        }
        String uuid = serverId.toString();
        boolean deleted = false;
        try {
            if (describe(dom).isEmpty()) {
                throw new HypervisorException(HypervisorException.Kind.NOT_HERDS,
                        "the domain with UUID " + serverId + " is not herd's; herd leaves it alone");
            }
            // the controller learns of this delete from the answer: its events need no heartbeat
            if (dom.isActive() != 0) {
                s.ownEvents.expect(uuid, s.destroyEvents);
                try {
                    dom.destroy();
                } catch (LibvirtException e) {
                    if (!LibvirtErrors.isNotRunning(e)) {
                        throw e;
                    }
                }
            }
            s.ownEvents.expect(uuid, DomainEventType.UNDEFINED);
            dom.undefine();
            deleted = true;
        } finally {
            if (!deleted) {
                s.ownEvents.cancel(uuid);
            }
            dom.free();
            s.metadata.forget(serverId.toString());
            s.domains.changed(serverId.toString());
        }
        s.images.deleteOverlay(serverId);
        LOG.info("deleted {}", DomainSpec.domainName(serverId));
        return true;
    }

    /** herd's domains among the table's entries. */
    static List<HerdDomain> list(List<DomainTable.Entry> entries) {
        List<HerdDomain> out = new ArrayList<>();
        for (DomainTable.Entry e : entries) {
            e.parsed().spec().ifPresent(spec -> out.add(new HerdDomain(spec, coarse(e.state()), stateName(e.state()),
                    e.parsed().rootVolume())));
        }
        return out;
    }

    /** Usage by all domains and by foreign ones, plus the domain count. */
    record Usage(ResourceAmount all, ResourceAmount foreign, int domainCount) {}

    /**
     * herd's domains count whatever their state (their capacity is promised to them);
     * other domains count while they are active.
     */
    static Usage usage(List<DomainTable.Entry> entries) {
        ResourceAmount all = ResourceAmount.ZERO;
        ResourceAmount foreign = ResourceAmount.ZERO;
        for (DomainTable.Entry e : entries) {
            if (e.parsed().spec().isPresent()) {
                DomainSpec spec = e.parsed().spec().get();
                all = all.plus(spec.vcpus(), spec.memoryMib(), spec.diskGib());
            } else if (e.active()) {
                long memoryMib = e.maxMemKib() / 1024;
                all = all.plus(e.vcpus(), memoryMib, 0);
                foreign = foreign.plus(e.vcpus(), memoryMib, 0);
            }
        }
        return new Usage(all, foreign, entries.size());
    }

    static Domain lookup(LibvirtSession s, UUID serverId) throws LibvirtException {
        try {
            return s.conn.domainLookupByUUIDString(serverId.toString());
        } catch (LibvirtException e) {
            if (LibvirtErrors.isNoDomain(e)) {
                return null;
            }
            throw e;
        }
    }

    static Optional<HerdDomain> describe(Domain dom) throws LibvirtException {
        return describe(dom, DomainXml.parse(dom.getXMLDesc(0)));
    }

    private static Optional<HerdDomain> describe(Domain dom, DomainXml.Parsed parsed) throws LibvirtException {
        if (parsed.spec().isEmpty()) {
            return Optional.empty();
        }
        DomainInfo.DomainState state = dom.getInfo().state;
        return Optional.of(new HerdDomain(parsed.spec().get(), coarse(state), stateName(state),
                parsed.rootVolume()));
    }

    private static HerdDomain.State coarse(DomainInfo.DomainState state) {
        switch (state) {
            case VIR_DOMAIN_RUNNING:
            case VIR_DOMAIN_BLOCKED:
                return HerdDomain.State.RUNNING;
            case VIR_DOMAIN_NOSTATE:
                return HerdDomain.State.UNKNOWN;
            default:
                return HerdDomain.State.STOPPED;
        }
    }

    private static String stateName(DomainInfo.DomainState state) {
        switch (state) {
            case VIR_DOMAIN_RUNNING: return "running";
            case VIR_DOMAIN_BLOCKED: return "blocked";
            case VIR_DOMAIN_PAUSED: return "paused";
            case VIR_DOMAIN_SHUTDOWN: return "shutdown";
            case VIR_DOMAIN_SHUTOFF: return "shutoff";
            case VIR_DOMAIN_CRASHED: return "crashed";
            case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
            default: return "nostate";
        }
    }

    private static void undefineQuietly(Domain dom, LibvirtException cause) {
        try {
            dom.undefine();
        } catch (LibvirtException e) {
            cause.addSuppressed(e);
        }
    }
}
