package io.herd.agent.hypervisor;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The parsed XML of every domain on the host, keyed by UUID, so that a heartbeat reads a
 * domain's XML once rather than every time. herd's metadata never changes after launch, and
 * any change made behind herd's back (a domain undefined, or defined again with the same UUID)
 * arrives as a lifecycle event that {@link #forget}s the entry; an entry whose domain is no
 * longer listed is dropped at the next listing ({@link #retainOnly}). Thread-safe.
 */
final class MetadataCache {

    private final Map<String, DomainXml.Parsed> byUuid = new ConcurrentHashMap<>();
    /** Bumped by every forget: a parse that raced with one is not stored. */
    private final AtomicLong generation = new AtomicLong();

    /** The domain's parsed XML, read from libvirt only the first time it is seen. */
    DomainXml.Parsed get(Domain dom, String uuid) throws LibvirtException {
        DomainXml.Parsed cached = byUuid.get(uuid);
        if (cached != null) {
            return cached;
        }
        long before = generation.get();
        DomainXml.Parsed parsed = DomainXml.parse(dom.getXMLDesc(0));
        if (generation.get() == before) {
            byUuid.putIfAbsent(uuid, parsed);
            if (generation.get() != before) {
                // a forget ran meanwhile and may have missed this entry: drop it to be safe
                byUuid.remove(uuid);
            }
        }
        return parsed;
    }

    /** To pass to {@link #remember}: taken before herd defines a domain. */
    long generation() {
        return generation.get();
    }

    /**
     * Stores what herd itself just defined (its spec is what the XML says), unless a forget
     * ran since {@code before}: then the XML is read from libvirt when next needed.
     */
    void remember(String uuid, DomainXml.Parsed parsed, long before) {
        if (generation.get() == before) {
            byUuid.put(uuid, parsed);
            if (generation.get() != before) {
                byUuid.remove(uuid);
            }
        }
    }

    /** The domain was defined again, undefined, launched or deleted: read its XML afresh. */
    void forget(String uuid) {
        generation.incrementAndGet();
        byUuid.remove(uuid);
    }

    /** Drops the entries of domains no longer on the host. */
    void retainOnly(Set<String> uuids) {
        byUuid.keySet().retainAll(uuids);
    }

    /** A new connection: nothing learnt on the old one is trusted. */
    void clear() {
        generation.incrementAndGet();
        byUuid.clear();
    }

    int size() {
        return byUuid.size();
    }
}
