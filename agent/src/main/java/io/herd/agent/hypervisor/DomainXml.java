package io.herd.agent.hypervisor;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Domain XML, written with a StAX writer and read with the DOM API, so that every value a user
 * chose (the server name above all) is escaped by the writer and can never become markup.
 */
final class DomainXml {

    /** Namespace of herd's element inside a domain's {@code <metadata>}. */
    static final String HERD_NS = "https://herd.io/xmlns/domain/1";
    static final String HERD_PREFIX = "herd";

    private DomainXml() {}

    /**
     * @param domainType  libvirt's domain type: {@code kvm}, {@code qemu} or {@code test}
     * @param rootVolume  path of the root volume, null for a diskless domain
     */
    static String build(DomainSpec spec, String domainType, String rootVolume) {
        return write(w -> {
            w.writeStartElement("domain");
            w.writeAttribute("type", domainType);
            text(w, "name", spec.domainName());
            text(w, "uuid", spec.serverId().toString());
            text(w, "title", spec.name());

            w.writeStartElement("metadata");
            w.writeStartElement(HERD_PREFIX, "server", HERD_NS);
            w.writeNamespace(HERD_PREFIX, HERD_NS);
            herdText(w, "id", spec.serverId().toString());
            herdText(w, "name", spec.name());
            herdText(w, "group", spec.groupId());
            herdText(w, "vcpus", Integer.toString(spec.vcpus()));
            herdText(w, "memory_mib", Long.toString(spec.memoryMib()));
            herdText(w, "disk_gib", Long.toString(spec.diskGib()));
            herdText(w, "image", spec.image());
            herdText(w, "network", spec.network());
            if (spec.fence()) {
                herdText(w, "fence", "true");
            }
            w.writeEndElement();
            w.writeEndElement();

            w.writeStartElement("memory");
            w.writeAttribute("unit", "MiB");
            w.writeCharacters(Long.toString(spec.memoryMib()));
            w.writeEndElement();
            text(w, "vcpu", Integer.toString(spec.vcpus()));

            w.writeStartElement("os");
            text(w, "type", "hvm");
            empty(w, "boot", "dev", "hd");
            w.writeEndElement();
            w.writeStartElement("features");
            w.writeEmptyElement("acpi");
            w.writeEndElement();
            text(w, "on_poweroff", "destroy");
            text(w, "on_reboot", "restart");
            text(w, "on_crash", "destroy");

            w.writeStartElement("devices");
            if (rootVolume != null) {
                w.writeStartElement("disk");
                w.writeAttribute("type", "file");
                w.writeAttribute("device", "disk");
                w.writeEmptyElement("driver");
                w.writeAttribute("name", "qemu");
                w.writeAttribute("type", "qcow2");
                empty(w, "source", "file", rootVolume);
                w.writeEmptyElement("target");
                w.writeAttribute("dev", "vda");
                w.writeAttribute("bus", "virtio");
                w.writeEndElement();
            }
            if (!spec.network().isEmpty()) {
                w.writeStartElement("interface");
                w.writeAttribute("type", "network");
                empty(w, "source", "network", spec.network());
                empty(w, "model", "type", "virtio");
                w.writeEndElement();
            }
            if (!"test".equals(domainType)) {
                empty(w, "memballoon", "model", "none");
            }
            w.writeEndElement();
        });
    }

    /** Writes one XML document (libvirt's dialect: no declaration). */
    interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    static String write(Body body) {
        StringWriter out = new StringWriter(1024);
        try {
            XMLStreamWriter w = WRITERS.get().createXMLStreamWriter(out);
            body.write(w);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write XML for libvirt", e);
        }
        return out.toString();
    }

    /** {@code <name>value</name>}, the value escaped. */
    static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    private static void herdText(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeStartElement(HERD_PREFIX, name, HERD_NS);
        w.writeCharacters(value);
        w.writeEndElement();
    }

    /** {@code <name attribute="value"/>}, the value escaped. */
    static void empty(XMLStreamWriter w, String name, String attribute, String value)
            throws XMLStreamException {
        w.writeEmptyElement(name);
        w.writeAttribute(attribute, value);
    }

    /** What a domain's XML says about it; {@code spec} is empty when it lacks herd's metadata. */
    record Parsed(Optional<DomainSpec> spec, String rootVolume, long vcpus, long memoryMib) {}

    static Parsed parse(String xml) {
        Document doc;
        try {
            doc = newBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("libvirt returned unreadable domain XML: " + e.getMessage(), e);
        }
        Element domain = doc.getDocumentElement();
        long vcpus = parseLong(firstText(domain, "vcpu"), 0);
        long memoryMib = memoryMib(firstChild(domain, "memory"));
        String rootVolume = "";
        Element devices = firstChild(domain, "devices");
        if (devices != null) {
            for (Element disk : children(devices, "disk")) {
                Element target = firstChild(disk, "target");
                Element source = firstChild(disk, "source");
                if (target != null && "vda".equals(target.getAttribute("dev")) && source != null) {
                    rootVolume = source.getAttribute("file");
                }
            }
        }
        return new Parsed(herdSpec(domain), rootVolume, vcpus, memoryMib);
    }

    private static Optional<DomainSpec> herdSpec(Element domain) {
        Element metadata = firstChild(domain, "metadata");
        if (metadata == null) {
            return Optional.empty();
        }
        NodeList servers = metadata.getElementsByTagNameNS(HERD_NS, "server");
        if (servers.getLength() == 0) {
            return Optional.empty();
        }
        Element herd = (Element) servers.item(0);
        try {
            UUID id = UUID.fromString(herdText(herd, "id"));
            return Optional.of(new DomainSpec(
                    id,
                    herdText(herd, "name"),
                    Integer.parseInt(herdText(herd, "vcpus")),
                    Long.parseLong(herdText(herd, "memory_mib")),
                    Long.parseLong(herdText(herd, "disk_gib")),
                    herdText(herd, "image"),
                    herdText(herd, "group"),
                    herdText(herd, "network"),
                    "true".equals(herdText(herd, "fence"))));
        } catch (IllegalArgumentException e) {
            // herd's namespace but not herd's shape: treat as foreign, never touch it
            return Optional.empty();
        }
    }

    private static long memoryMib(Element memory) {
        if (memory == null) {
            return 0;
        }
        long value = parseLong(memory.getTextContent().trim(), 0);
        String unit = memory.getAttribute("unit");
        switch (unit.isEmpty() ? "KiB" : unit) {
            case "b": case "bytes": return value / (1024 * 1024);
            case "KB": return value * 1000 / (1024 * 1024);
            case "k": case "KiB": return value / 1024;
            case "MB": return value * 1000 * 1000 / (1024 * 1024);
            case "M": case "MiB": return value;
            case "GB": return value * 1000 * 1000 * 1000 / (1024 * 1024);
            case "G": case "GiB": return value * 1024;
            default: return value / 1024;
        }
    }

    private static long parseLong(String s, long otherwise) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return otherwise;
        }
    }

    private static String herdText(Element herd, String name) {
        NodeList list = herd.getElementsByTagNameNS(HERD_NS, name);
        return list.getLength() == 0 ? "" : list.item(0).getTextContent();
    }

    private static Element firstChild(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(n.getNodeName())) {
                return (Element) n;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(n.getNodeName())) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static String firstText(Element parent, String name) {
        Element e = firstChild(parent, name);
        return e == null ? null : e.getTextContent();
    }

    // JAXP factories are slow to look up and not thread-safe: one builder and writer factory per thread
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(DomainXml::createBuilder);
    private static final ThreadLocal<XMLOutputFactory> WRITERS = ThreadLocal.withInitial(XMLOutputFactory::newFactory);

    static DocumentBuilder newBuilder() {
        DocumentBuilder builder = BUILDER.get();
        builder.reset();
        return builder;
    }

    private static DocumentBuilder createBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
        }
    }
}
