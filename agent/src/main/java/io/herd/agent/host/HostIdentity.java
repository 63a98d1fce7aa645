package io.herd.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * @param hostId       stable id, kept in {@code <state_dir>/host-id}
 * @param hostName     reported name
 * @param rack         failure-domain label, may be empty
 * @param zone         failure-domain label, may be empty
 * @param libvirtUri   the connection URI
 * @param agentVersion herd-agent's version
 */
public record HostIdentity(String hostId, String hostName, String rack, String zone, String libvirtUri,
                           String agentVersion) {

    static final String HOST_ID_FILE = "host-id";

    /** Reads the host id from the state directory, generating and storing one the first time. */
    public static String loadOrCreateHostId(Path stateDir) throws IOException {
        Path file = stateDir.resolve(HOST_ID_FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            try {
                return UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " does not hold a host id (a UUID): '" + id + "'", e);
            }
        }
        Files.createDirectories(stateDir);
        String id = UUID.randomUUID().toString();
        Path tmp = Files.createTempFile(stateDir, HOST_ID_FILE, ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
