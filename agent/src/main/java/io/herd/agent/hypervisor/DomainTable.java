package io.herd.agent.hypervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * Every domain of one connection as last read, so that a heartbeat costs what changed rather
 * than what the host holds. A full refresh reads every domain; an incremental one re-reads
 * only the domains named by {@link #changed} since (lifecycle events, and herd's own launches
 * and deletes). Callers do a full refresh now and then so that anything an event did not
 * say is still caught.
 */
final class DomainTable {

    /** One domain: its parsed XML and what libvirt said of its state and size. */
    record Entry(DomainXml.Parsed parsed, boolean active, DomainInfo.DomainState state, int vcpus, long maxMemKib) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private boolean complete;

    /** The domain with that UUID changed (or may have): re-read it at the next refresh. */
    void changed(String uuid) {
        changed.add(uuid);
    }

    /**
     * Brings the table up to date and returns a copy of it.
     *
     * @param full read every domain (always done the first time)
     */
    synchronized List<Entry> refresh(LibvirtSession s, boolean full) throws LibvirtException {
        if (full || !complete) {
            // cleared first: a change signalled while listing is re-read next time
            changed.clear();
            Map<String, Entry> now = new HashMap<>();
            for (Domain dom : s.conn.listAllDomains(0)) {
                try {
                    String uuid = dom.getUUIDString();
                    now.put(uuid, read(s, dom, uuid));
                } catch (LibvirtException e) {
                    // the domain vanished between listing and reading it
                    if (!LibvirtErrors.isNoDomain(e)) {
                        throw e;
                    }
                } finally {
                    dom.free();
                }
            }
            entries.clear();
            entries.putAll(now);
            s.metadata.retainOnly(now.keySet());
            complete = true;
        } else {
            for (String uuid : List.copyOf(changed)) {
                changed.remove(uuid);
                reread(s, uuid);
            }
        }
        return new ArrayList<>(entries.values());
    }

    private void reread(LibvirtSession s, String uuid) throws LibvirtException {
        try {
            Domain dom = s.conn.domainLookupByUUIDString(uuid);
            try {
                entries.put(uuid, read(s, dom, uuid));
            } finally {
                dom.free();
            }
        } catch (LibvirtException e) {
            if (LibvirtErrors.isNoDomain(e)) {
                // gone, between the event and now or while being read
                entries.remove(uuid);
                return;
            }
            changed.add(uuid);
            throw e;
        }
    }

    private static Entry read(LibvirtSession s, Domain dom, String uuid) throws LibvirtException {
        DomainXml.Parsed parsed = s.metadata.get(dom, uuid);
        DomainInfo info = dom.getInfo();
        boolean active = dom.isActive() != 0;
        return new Entry(parsed, active, info.state, info.nrVirtCpu, info.maxMem);
    }
}
