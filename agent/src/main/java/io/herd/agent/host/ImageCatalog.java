package io.herd.agent.host;

import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchRules;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base images this host offers: the regular files in the image directory whose names a
 * launch may use ({@link LaunchRules#image}), without the servers' own root volumes
 * ({@code herd-<server id>.qcow2}). Reported in every heartbeat, so that the controller places
 * a server only on a host that has its image.
 */
public final class ImageCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ImageCatalog.class);
    private static final Pattern ROOT_VOLUME = Pattern.compile(
            "herd-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.qcow2");
    /** More than a heartbeat should carry; a directory this full is a mistake worth a warning. */
    private static final int MAX_IMAGES = 1000;

    private final Path imageDir;
    private boolean warned;

    public ImageCatalog(Path imageDir) {
        this.imageDir = imageDir;
    }

    /** Sorted base image names; empty when the directory cannot be read. */
    public synchronized List<String> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(imageDir)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (ROOT_VOLUME.matcher(name).matches() || !Files.isRegularFile(p) || !usable(name)) {
                    continue;
                }
                names.add(name);
            }
        } catch (IOException e) {
            LOG.warn("cannot list the image directory {}: {}", imageDir, e.toString());
            return List.of();
        }
        names.sort(null);
        if (names.size() > MAX_IMAGES) {
            if (!warned) {
                LOG.warn("the image directory {} holds {} images; reporting the first {}", imageDir, names.size(),
                        MAX_IMAGES);
                warned = true;
            }
            return List.copyOf(names.subList(0, MAX_IMAGES));
        }
        return List.copyOf(names);
    }

    private static boolean usable(String name) {
        try {
            LaunchRules.image("image", name);
            return true;
        } catch (InvalidFieldException e) {
            return false;
        }
    }
}
