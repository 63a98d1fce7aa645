/**
 * The hypervisor adapter: the only package of herd that imports {@code org.libvirt}.
 *
 * <p>It owns the libvirt connection (opened on the URI from config, re-opened with backoff
 * when libvirtd goes away, reported as degraded meanwhile), libvirt's event loop thread and
 * the domain lifecycle events it delivers, the last read state of every domain (its XML
 * parsed once by UUID, re-read when a lifecycle event names it, and in full when asked), the
 * host's capacity (node CPUs and memory, instance-disk space, KVM or TCG), herd's domains
 * (XML written with a StAX writer, never by pasting strings; {@code <metadata>} marks a domain
 * as herd's) and their root volumes (qcow2 overlays on base images, created through
 * libvirt's storage-pool API).
 *
 * <p>Everything it hands out is a plain record of this package ({@link
 * io.herd.agent.hypervisor.DomainSpec}, {@link io.herd.agent.hypervisor.HerdDomain},
 * {@link io.herd.agent.hypervisor.HostFacts}); it must not import gRPC or the generated
 * protobuf classes, and no other package may import {@code org.libvirt}.
 */
package io.herd.agent.hypervisor;
