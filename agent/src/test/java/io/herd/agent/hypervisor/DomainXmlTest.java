package io.herd.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class DomainXmlTest {

    private static Document dom(String xml) throws Exception {
        return DomainXml.newBuilder().parse(new InputSource(new StringReader(xml)));
    }

    @Test
    void theSpecSurvivesARoundTrip() {
        DomainSpec spec = new DomainSpec(UUID.randomUUID(), "web 1 ünïcode", 2, 128, 10, "base.qcow2", "g-1", "default");
        String xml = DomainXml.build(spec, "kvm", "/images/herd-x.qcow2");
        DomainXml.Parsed parsed = DomainXml.parse(xml);
        assertThat(parsed.spec()).contains(spec);
        assertThat(parsed.rootVolume()).isEqualTo("/images/herd-x.qcow2");
        assertThat(parsed.vcpus()).isEqualTo(2);
        assertThat(parsed.memoryMib()).isEqualTo(128);
    }

    @Test
    void markupInTheNameIsEscapedText() throws Exception {
        String hostile = "</title><devices><disk type='file'><source file='/etc/shadow'/></disk></devices><!--";
        DomainSpec spec = new DomainSpec(UUID.randomUUID(), hostile, 1, 64, 0, "", "", "");
        String xml = DomainXml.build(spec, "qemu", null);
        Document doc = dom(xml);
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(hostile);
        assertThat(doc.getElementsByTagName("disk").getLength()).isZero();
        assertThat(doc.getElementsByTagName("devices").getLength()).isEqualTo(1);
        assertThat(doc.getElementsByTagName("name").item(0).getTextContent()).isEqualTo(spec.domainName());
        assertThat(xml).contains("&lt;/title&gt;");
    }

    @Test
    void domainsWithoutHerdMetadataAreForeign() {
        String foreign = "<domain type='kvm'><name>herd-x</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
                + "<metadata><other:x xmlns:other='https://example.org/x'/></metadata></domain>";
        DomainXml.Parsed parsed = DomainXml.parse(foreign);
        assertThat(parsed.spec()).isEmpty();
        assertThat(parsed.memoryMib()).isEqualTo(64);

        String broken = "<domain><metadata><herd:server xmlns:herd='" + DomainXml.HERD_NS + "'>"
                + "<herd:id>not-a-uuid</herd:id></herd:server></metadata></domain>";
        assertThat(DomainXml.parse(broken).spec()).isEmpty();
    }

    @Test
    void memoryUnitsAreConvertedToMib() {
        assertThat(DomainXml.parse("<domain><memory unit='GiB'>2</memory></domain>").memoryMib()).isEqualTo(2048);
        assertThat(DomainXml.parse("<domain><memory>1048576</memory></domain>").memoryMib()).isEqualTo(1024);
        assertThat(DomainXml.parse("<domain><memory unit='bytes'>67108864</memory></domain>").memoryMib())
                .isEqualTo(64);
    }

    @Test
    void documentTypeDeclarationsAreRefused() {
        String xxe = "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><name>&x;</name></domain>";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DomainXml.parse(xxe))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
