package io.herd.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herd.agent.testing.Virsh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * What every libvirt driver herd runs on must do. Subclasses name the driver and how to see a
 * domain from outside the agent.
 */
abstract class HypervisorContractTest {

    static LibvirtHypervisor hypervisor;
    static Path imageDir;
    private final List<UUID> created = new ArrayList<>();

    static LibvirtHypervisor open(String uri, Path dir) {
        imageDir = dir;
        LibvirtHypervisor h = LibvirtHypervisor.open(new LibvirtHypervisor.Options(uri, dir,
                "herd-test-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofSeconds(2)));
        assertThat(h.degraded()).as("connected to %s", uri).isFalse();
        return h;
    }

    @AfterAll
    static void closeHypervisor() {
        if (hypervisor != null) {
            hypervisor.close();
            hypervisor = null;
        }
    }

    @AfterEach
    void removeWhatTheTestCreated() throws Exception {
        for (UUID id : created) {
            try {
                hypervisor.delete(id);
            } catch (HypervisorException e) {
                // a foreign-domain test leaves a domain herd refuses to delete; the test removes it
            }
            forceRemove(DomainSpec.domainName(id));
        }
    }

    abstract String uri();

    /** libvirt's state of the domain seen from outside the agent, "" when absent. */
    abstract String stateOutside(String domainName);

    abstract void forceRemove(String domainName);

    /** A spec that libvirt defines but cannot start on this driver, if there is one. */
    abstract boolean canMakeStartFail();

    DomainSpec spec(String name) {
        UUID id = UUID.randomUUID();
        created.add(id);
        return new DomainSpec(id, name, 1, 64, 0, "", "group-1", "");
    }

    DomainSpec withImage(DomainSpec s, String image, long diskGib) {
        return new DomainSpec(s.serverId(), s.name(), s.vcpus(), s.memoryMib(), diskGib, image, s.groupId(), s.network());
    }

    @Test
    void launchesADisklessDomainThatRunsAndDeletesIt() throws Exception {
        DomainSpec spec = spec("web-1");
        LaunchResult result = hypervisor.launch(spec);

        assertThat(result.alreadyExisted()).isFalse();
        assertThat(result.domain().state()).isEqualTo(HerdDomain.State.RUNNING);
        assertThat(result.domain().spec()).isEqualTo(spec);
        assertThat(stateOutside(spec.domainName())).isEqualTo("running");
        assertThat(hypervisor.listDomains()).extracting(d -> d.spec().serverId()).contains(spec.serverId());
        assertRemembersWhatLibvirtHolds(spec);

        assertThat(hypervisor.delete(spec.serverId())).isTrue();
        assertThat(stateOutside(spec.domainName())).isEmpty();
        assertThat(hypervisor.listDomains()).extracting(d -> d.spec().serverId()).doesNotContain(spec.serverId());
        assertThat(hypervisor.delete(spec.serverId())).as("second delete").isFalse();
    }

    @Test
    void launchesOnAQcow2OverlayAndRemovesTheVolumeOnDelete() throws Exception {
        Virsh.qcow2Base(imageDir, "base.qcow2", 16);
        DomainSpec spec = withImage(spec("db-1"), "base.qcow2", 1);
        LaunchResult result = hypervisor.launch(spec);

        String volume = result.domain().rootVolume();
        assertThat(volume).isEqualTo(imageDir.toAbsolutePath().resolve(ImagePool.volumeName(spec.serverId())).toString());
        assertThat(stateOutside(spec.domainName())).isEqualTo("running");
        assertThat(volumeExists(spec.serverId())).isTrue();
        assertRemembersWhatLibvirtHolds(spec);

        assertThat(hypervisor.delete(spec.serverId())).isTrue();
        assertThat(stateOutside(spec.domainName())).isEmpty();
        assertThat(volumeExists(spec.serverId())).isFalse();
    }

    @Test
    void launchIsIdempotentAndRefusesTheSameIdWithAnotherSpec() throws Exception {
        DomainSpec spec = spec("api-1");
        hypervisor.launch(spec);

        LaunchResult again = hypervisor.launch(spec);
        assertThat(again.alreadyExisted()).isTrue();
        assertThat(again.domain().state()).isEqualTo(HerdDomain.State.RUNNING);

        DomainSpec bigger = new DomainSpec(spec.serverId(), spec.name(), 2, 64, 0, "", spec.groupId(), "");
        assertThatThrownBy(() -> hypervisor.launch(bigger))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.kind()).isEqualTo(HypervisorException.Kind.CONFLICT));
        assertThat(hypervisor.listDomains()).filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> assertThat(d.spec()).isEqualTo(spec));
    }

    @Test
    void aRepeatedLaunchStartsADomainThatWasStoppedBehindHerdsBack() throws Exception {
        DomainSpec spec = spec("restart-me");
        hypervisor.launch(spec);
        destroyOutside(spec.serverId());
        assertThat(stateOutside(spec.domainName())).isEqualTo("shut off");
        assertThat(hypervisor.listDomains()).filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(HerdDomain.State.STOPPED));

        LaunchResult again = hypervisor.launch(spec);
        assertThat(again.alreadyExisted()).isTrue();
        assertThat(again.domain().state()).isEqualTo(HerdDomain.State.RUNNING);
        assertThat(stateOutside(spec.domainName())).isEqualTo("running");
    }

    @Test
    void unknownImageIsNotFoundAndLeavesNothingBehind() throws Exception {
        DomainSpec spec = withImage(spec("ghost"), "no-such-image.qcow2", 1);
        assertThatThrownBy(() -> hypervisor.launch(spec))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.kind()).isEqualTo(HypervisorException.Kind.NOT_FOUND));
        assertThat(stateOutside(spec.domainName())).isEmpty();
        assertThat(volumeExists(spec.serverId())).isFalse();
    }

    @Test
    void xmlMetacharactersInTheNameStayText() throws Exception {
        String hostile = "</title></name><devices><disk type='file'><source file='/etc/shadow'/></disk></devices>&amp;\"'";
        DomainSpec spec = spec(hostile);
        LaunchResult result = hypervisor.launch(spec);

        assertThat(result.domain().spec().name()).isEqualTo(hostile);
        String xml = domainXml(spec.serverId());
        DomainXml.Parsed parsed = DomainXml.parse(xml);
        assertThat(parsed.spec()).contains(spec);
        assertThat(xml).doesNotContain("/etc/shadow'/>").doesNotContain("<disk");
        assertThat(titleOf(xml)).isEqualTo(hostile);
    }

    @Test
    void aStartThatLibvirtRefusesLeavesNoDomainAndNoVolume() throws Exception {
        if (!canMakeStartFail()) {
            return;
        }
        Virsh.qcow2Base(imageDir, "base-fail.qcow2", 16);
        DomainSpec base = withImage(spec("doomed"), "base-fail.qcow2", 1);
        DomainSpec spec = new DomainSpec(base.serverId(), base.name(), 1, 64, 1, base.image(), "",
                "herd-no-such-network-" + UUID.randomUUID().toString().substring(0, 8));
        assertThatThrownBy(() -> hypervisor.launch(spec))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HypervisorException.Kind.FAILED);
                    assertThat(e.getMessage()).contains(spec.network());
                });
        assertThat(stateOutside(spec.domainName())).isEmpty();
        assertThat(volumeExists(spec.serverId())).isFalse();
    }

    @Test
    void aDomainRedefinedBehindHerdsBackIsListedWithWhatItIsNow() throws Exception {
        DomainSpec spec = spec("before");
        hypervisor.launch(spec);
        assertThat(hypervisor.listDomains()).filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> assertThat(d.spec().name()).isEqualTo("before"));
        DomainSpec redefined = new DomainSpec(spec.serverId(), "after", 1, 64, 0, "", "group-2", "");
        Connect conn = new Connect(uri());
        try {
            Domain d = conn.domainLookupByUUIDString(spec.serverId().toString());
            try {
                d.destroy();
                d.undefine();
            } finally {
                d.free();
            }
            conn.domainDefineXML(DomainXml.build(redefined, domainType(), null)).free();
        } finally {
            conn.close();
        }
        // libvirt's lifecycle events reach the agent asynchronously
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hypervisor.listDomains())
                .filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> {
                    assertThat(d.spec()).isEqualTo(redefined);
                    assertThat(d.state()).isEqualTo(HerdDomain.State.STOPPED);
                }));
    }

    @Test
    void aListingOfWhatChangedFollowsLaunchesAndWhatEventsReport() throws Exception {
        hypervisor.listDomains(true);
        DomainSpec spec = spec("incremental");
        hypervisor.launch(spec);
        // herd's own launch is seen at once, without waiting for its event
        assertThat(hypervisor.listDomains(false)).filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(HerdDomain.State.RUNNING));
        Connect conn = new Connect(uri());
        try {
            Domain d = conn.domainLookupByUUIDString(spec.serverId().toString());
            try {
                d.destroy();
            } finally {
                d.free();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hypervisor.listDomains(false))
                    .filteredOn(x -> x.spec().serverId().equals(spec.serverId()))
                    .singleElement().satisfies(x -> assertThat(x.state()).isEqualTo(HerdDomain.State.STOPPED)));
            d = conn.domainLookupByUUIDString(spec.serverId().toString());
            try {
                d.undefine();
            } finally {
                d.free();
            }
        } finally {
            conn.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hypervisor.listDomains(false))
                .extracting(x -> x.spec().serverId()).doesNotContain(spec.serverId()));
    }

    /**
     * herd does not read back the XML of a domain it launched: what it lists must be what
     * libvirt's XML of the domain says.
     */
    void assertRemembersWhatLibvirtHolds(DomainSpec spec) throws Exception {
        DomainXml.Parsed outside = DomainXml.parse(domainXml(spec.serverId()));
        assertThat(outside.spec()).contains(spec);
        assertThat(hypervisor.listDomains(true)).filteredOn(d -> d.spec().serverId().equals(spec.serverId()))
                .singleElement().satisfies(d -> {
                    assertThat(d.spec()).isEqualTo(outside.spec().get());
                    assertThat(d.rootVolume()).isEqualTo(outside.rootVolume());
                });
        assertThat(hypervisor.hostFacts().usage().memoryMib()).isGreaterThanOrEqualTo(outside.memoryMib());
    }

    @Test
    void herdsOwnLaunchesAndDeletesRaiseNoEventsButChangesBehindItsBackDo() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        hypervisor.setEventListener(events::add);
        try {
            DomainSpec own = spec("own");
            hypervisor.launch(own);
            assertThat(hypervisor.delete(own.serverId())).isTrue();
            DomainSpec other = spec("other");
            hypervisor.launch(other);
            // a change herd did not make: its event reaches the listener
            destroyOutside(other.serverId());
            await().atMost(Duration.ofSeconds(10)).until(() -> List.copyOf(events).stream()
                    .anyMatch(e -> e.startsWith(other.domainName() + " ")));
            // libvirt delivers events in order, so the own launch's and delete's events came
            // before the destroy's, and none of them was passed on
            assertThat(List.copyOf(events)).noneMatch(e -> e.startsWith(own.domainName() + " "))
                    .filteredOn(e -> e.startsWith(other.domainName() + " "))
                    .anySatisfy(e -> assertThat(e).containsIgnoringCase("stopped"))
                    .noneSatisfy(e -> assertThat(e).containsIgnoringCase("started"));
        } finally {
            hypervisor.setEventListener(what -> { });
        }
    }

    @Test
    void aDomainUndefinedBehindHerdsBackIsNoLongerListed() throws Exception {
        DomainSpec spec = spec("gone");
        hypervisor.launch(spec);
        assertThat(hypervisor.listDomains()).extracting(d -> d.spec().serverId()).contains(spec.serverId());
        forceRemove(spec.domainName());
        assertThat(hypervisor.listDomains()).extracting(d -> d.spec().serverId()).doesNotContain(spec.serverId());
    }

    @Test
    void aDomainWithoutHerdMetadataIsNeverTouched() throws Exception {
        UUID id = UUID.randomUUID();
        created.add(id);
        String name = DomainSpec.domainName(id);
        Connect conn = new Connect(uri());
        try {
            Domain foreign = conn.domainDefineXML("<domain type='" + domainType() + "'><name>" + name
                    + "</name><uuid>" + id + "</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                    + "<os><type>hvm</type></os></domain>");
            foreign.free();
        } finally {
            conn.close();
        }
        DomainSpec spec = new DomainSpec(id, "mine", 1, 64, 0, "", "", "");
        assertThatThrownBy(() -> hypervisor.launch(spec))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.kind()).isEqualTo(HypervisorException.Kind.NOT_HERDS));
        assertThatThrownBy(() -> hypervisor.delete(id))
                .isInstanceOfSatisfying(HypervisorException.class,
                        e -> assertThat(e.kind()).isEqualTo(HypervisorException.Kind.NOT_HERDS));
        assertThat(stateOutside(name)).isEqualTo("shut off");
        assertThat(hypervisor.listDomains()).extracting(d -> d.spec().serverId()).doesNotContain(id);
    }

    @Test
    void hostFactsMatchTheNode() throws Exception {
        HostFacts facts = hypervisor.hostFacts();
        Connect conn = new Connect(uri());
        try {
            assertThat(facts.cpus()).isEqualTo(conn.nodeInfo().cpus);
            assertThat(facts.memoryMib()).isEqualTo(conn.nodeInfo().memory / 1024);
        } finally {
            conn.close();
        }
        assertThat(facts.degraded()).isFalse();
        assertThat(facts.diskTotalGib()).isGreaterThanOrEqualTo(facts.diskFreeGib());
        assertThat(facts.acceleration()).isNotEqualTo(Acceleration.UNKNOWN);

        DomainSpec spec = spec("usage");
        HostFacts before = hypervisor.hostFacts();
        hypervisor.launch(spec);
        HostFacts after = hypervisor.hostFacts();
        assertThat(after.usage().memoryMib() - before.usage().memoryMib()).isEqualTo(64);
        assertThat(after.usage().vcpus() - before.usage().vcpus()).isEqualTo(1);
        assertThat(after.domainCount() - before.domainCount()).isEqualTo(1);
    }

    String domainType() {
        return "test";
    }

    /** Stops the domain on a connection of its own, as an operator's virsh would. */
    private void destroyOutside(UUID id) throws LibvirtException {
        Connect conn = new Connect(uri());
        try {
            Domain d = conn.domainLookupByUUIDString(id.toString());
            try {
                d.destroy();
            } finally {
                d.free();
            }
        } finally {
            conn.close();
        }
    }

    private String domainXml(UUID id) throws LibvirtException {
        Connect conn = new Connect(uri());
        try {
            Domain d = conn.domainLookupByUUIDString(id.toString());
            try {
                return d.getXMLDesc(0);
            } finally {
                d.free();
            }
        } finally {
            conn.close();
        }
    }

    private static String titleOf(String xml) throws Exception {
        var doc = DomainXml.newBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
        var titles = doc.getDocumentElement().getElementsByTagName("title");
        assertThat(titles.getLength()).isEqualTo(1);
        assertThat(doc.getDocumentElement().getElementsByTagName("devices").getLength()).isEqualTo(1);
        return titles.item(0).getTextContent();
    }

    boolean volumeExists(UUID serverId) throws LibvirtException {
        Connect conn = new Connect(uri());
        try {
            for (String poolName : conn.listStoragePools()) {
                var pool = conn.storagePoolLookupByName(poolName);
                try {
                    pool.refresh(0);
                    for (String vol : pool.listVolumes()) {
                        if (vol.equals(ImagePool.volumeName(serverId))) {
                            return true;
                        }
                    }
                } finally {
                    pool.free();
                }
            }
            return Files.exists(imageDir.resolve(ImagePool.volumeName(serverId))) && !"test".equals(domainType());
        } finally {
            conn.close();
        }
    }
}
