package io.herd.agent.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The image directory as a libvirt dir storage pool: base images live there, and each
 * domain's root disk is a qcow2 overlay volume {@code herd-<server_id>.qcow2} on one of them.
 * An existing pool over the same directory is reused; otherwise a transient pool with the
 * configured name is started (and destroyed again by {@link #close()}). A pool that already
 * carries the configured name is taken as the agent's own (left by an earlier connection).
 */
final class ImagePool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImagePool.class);
    private static final long GIB = 1024L * 1024 * 1024;

    private final Path imageDir;
    private final StoragePool pool;
    private final boolean createdByUs;

    private ImagePool(Path imageDir, StoragePool pool, boolean createdByUs) {
        this.imageDir = imageDir;
        this.pool = pool;
        this.createdByUs = createdByUs;
    }

    static ImagePool open(Connect conn, Path imageDir, String poolName) throws LibvirtException {
        Path dir = imageDir.toAbsolutePath().normalize();
        List<String> names = new ArrayList<>(List.of(conn.listStoragePools()));
        names.addAll(List.of(conn.listDefinedStoragePools()));
        for (String name : names) {
            StoragePool candidate = conn.storagePoolLookupByName(name);
            boolean keep = false;
            try {
                if (dir.toString().equals(targetPath(candidate.getXMLDesc(0)))) {
                    if (candidate.isActive() == 0) {
                        candidate.create(0);
                    }
                    keep = true;
                    // a pool with our own name was started by an earlier session of this agent
                    boolean ours = name.equals(poolName);
                    LOG.info("using storage pool {} over {}", name, dir);
                    return new ImagePool(dir, candidate, ours);
                }
            } finally {
                if (!keep) {
                    candidate.free();
                }
            }
        }
        StoragePool created = conn.storagePoolCreateXML(poolXml(poolName, dir), 0);
        LOG.info("started transient storage pool {} over {}", poolName, dir);
        return new ImagePool(dir, created, true);
    }

    /** The base image path, refusing names that leave the image directory. */
    Path baseImage(String image) throws HypervisorException {
        Path path = imageDir.resolve(image).normalize();
        if (!path.getParent().equals(imageDir) || !Files.isRegularFile(path)) {
            throw new HypervisorException(HypervisorException.Kind.NOT_FOUND,
                    "image '" + image + "' is not a file in the image directory " + imageDir);
        }
        return path;
    }

    static String volumeName(UUID serverId) {
        return DomainSpec.domainName(serverId) + ".qcow2";
    }

    /** Creates the overlay volume and returns its path. */
    String createOverlay(UUID serverId, Path baseImage, long diskGib) throws LibvirtException, IOException {
        deleteOverlay(serverId);
        StorageVol vol = pool.storageVolCreateXML(volumeXml(volumeName(serverId), diskGib * GIB,
                baseImage.toString(), formatOf(baseImage)), 0);
        try {
            return vol.getPath();
        } finally {
            vol.free();
        }
    }

    /** Deletes the server's overlay volume; false when there was none. */
    boolean deleteOverlay(UUID serverId) throws LibvirtException {
        StorageVol vol;
        try {
            vol = pool.storageVolLookupByName(volumeName(serverId));
        } catch (LibvirtException e) {
            if (LibvirtErrors.isNoStorageVol(e)) {
                return false;
            }
            throw e;
        }
        try {
            vol.delete(0);
            return true;
        } finally {
            vol.free();
        }
    }

    boolean hasOverlay(UUID serverId) throws LibvirtException {
        pool.refresh(0);
        for (String name : pool.listVolumes()) {
            if (name.equals(volumeName(serverId))) {
                return true;
            }
        }
        return false;
    }

    long diskTotalGib() throws IOException {
        return Files.getFileStore(imageDir).getTotalSpace() / GIB;
    }

    long diskFreeGib() throws IOException {
        return Files.getFileStore(imageDir).getUsableSpace() / GIB;
    }

    @Override
    public void close() {
        try {
            if (createdByUs) {
                pool.destroy();
            }
        } catch (LibvirtException e) {
            LOG.debug("storage pool destroy failed: {}", e.getMessage());
        } finally {
            try {
                pool.free();
            } catch (LibvirtException e) {
                LOG.debug("storage pool free failed: {}", e.getMessage());
            }
        }
    }

    private static String formatOf(Path image) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(image)) {
            int n = in.readNBytes(magic, 0, 4);
            return n == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' && magic[3] == (byte) 0xfb
                    ? "qcow2" : "raw";
        }
    }

    private static String targetPath(String poolXml) {
        try {
            Document doc = DomainXml.newBuilder().parse(new InputSource(new StringReader(poolXml)));
            Element root = doc.getDocumentElement();
            var targets = root.getElementsByTagName("target");
            if (targets.getLength() == 0) {
                return "";
            }
            var paths = ((Element) targets.item(0)).getElementsByTagName("path");
            return paths.getLength() == 0 ? "" : paths.item(0).getTextContent().trim();
        } catch (SAXException | IOException e) {
            return "";
        }
    }

    private static String poolXml(String name, Path dir) {
        return DomainXml.write(w -> {
            w.writeStartElement("pool");
            w.writeAttribute("type", "dir");
            DomainXml.text(w, "name", name);
            w.writeStartElement("target");
            DomainXml.text(w, "path", dir.toString());
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    private static String volumeXml(String name, long capacityBytes, String backingPath, String backingFormat) {
        return DomainXml.write(w -> {
            w.writeStartElement("volume");
            DomainXml.text(w, "name", name);
            w.writeStartElement("capacity");
            w.writeAttribute("unit", "bytes");
            w.writeCharacters(Long.toString(capacityBytes));
            w.writeEndElement();
            w.writeStartElement("target");
            DomainXml.empty(w, "format", "type", "qcow2");
            w.writeEndElement();
            w.writeStartElement("backingStore");
            DomainXml.text(w, "path", backingPath);
            DomainXml.empty(w, "format", "type", backingFormat);
            w.writeEndElement();
            w.writeEndElement();
        });
    }
}
