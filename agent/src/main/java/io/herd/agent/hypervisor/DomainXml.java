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
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Domain XML, written and read with the DOM API so that every value a user chose (the server
 * name above all) is escaped by the serializer and can never become markup.
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
        Document doc = newBuilder().newDocument();
        Element domain = doc.createElement("domain");
        domain.setAttribute("type", domainType);
        doc.appendChild(domain);
        text(domain, "name", spec.domainName());
        text(domain, "uuid", spec.serverId().toString());
        text(domain, "title", spec.name());

        Element metadata = child(domain, "metadata");
        Element herd = doc.createElementNS(HERD_NS, HERD_PREFIX + ":server");
        metadata.appendChild(herd);
        herdText(herd, "id", spec.serverId().toString());
        herdText(herd, "name", spec.name());
        herdText(herd, "group", spec.groupId());
        herdText(herd, "vcpus", Integer.toString(spec.vcpus()));
        herdText(herd, "memory_mib", Long.toString(spec.memoryMib()));
        herdText(herd, "disk_gib", Long.toString(spec.diskGib()));
        herdText(herd, "image", spec.image());
        herdText(herd, "network", spec.network());

        Element memory = text(domain, "memory", Long.toString(spec.memoryMib()));
        memory.setAttribute("unit", "MiB");
        text(domain, "vcpu", Integer.toString(spec.vcpus()));

        Element os = child(domain, "os");
        text(os, "type", "hvm");
        child(os, "boot").setAttribute("dev", "hd");
        child(child(domain, "features"), "acpi");
        text(domain, "on_poweroff", "destroy");
        text(domain, "on_reboot", "restart");
        text(domain, "on_crash", "destroy");

        Element devices = child(domain, "devices");
        if (rootVolume != null) {
            Element disk = child(devices, "disk");
            disk.setAttribute("type", "file");
            disk.setAttribute("device", "disk");
            Element driver = child(disk, "driver");
            driver.setAttribute("name", "qemu");
            driver.setAttribute("type", "qcow2");
            child(disk, "source").setAttribute("file", rootVolume);
            Element target = child(disk, "target");
            target.setAttribute("dev", "vda");
            target.setAttribute("bus", "virtio");
        }
        if (!spec.network().isEmpty()) {
            Element nic = child(devices, "interface");
            nic.setAttribute("type", "network");
            child(nic, "source").setAttribute("network", spec.network());
            child(nic, "model").setAttribute("type", "virtio");
        }
        if (!"test".equals(domainType)) {
            child(devices, "memballoon").setAttribute("model", "none");
        }
        return serialize(doc);
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
                    herdText(herd, "network")));
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

    private static void herdText(Element herd, String name, String value) {
        Element e = herd.getOwnerDocument().createElementNS(HERD_NS, HERD_PREFIX + ":" + name);
        e.setTextContent(value);
        herd.appendChild(e);
    }

    private static Element child(Element parent, String name) {
        Element e = parent.getOwnerDocument().createElement(name);
        parent.appendChild(e);
        return e;
    }

    private static Element text(Element parent, String name, String value) {
        Element e = child(parent, name);
        e.setTextContent(value);
        return e;
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

    // JAXP factories are slow to look up and not thread-safe: one builder and transformer per thread
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(DomainXml::createBuilder);
    private static final ThreadLocal<Transformer> TRANSFORMER = ThreadLocal.withInitial(DomainXml::createTransformer);

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

    private static Transformer createTransformer() {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            return t;
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("the JDK's XML serializer cannot be configured", e);
        }
    }

    static String serialize(Document doc) {
        try {
            StringWriter out = new StringWriter();
            TRANSFORMER.get().transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialise domain XML", e);
        }
    }
}
