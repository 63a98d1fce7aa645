package io.herd.controller.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's pages, styles and scripts, read once from the classpath ({@code console/}) and
 * kept in memory with a strong ETag. Only plain file names are served: no directories, so a
 * path can never leave the folder.
 */
final class StaticAssets {

    /** A file ready to send. */
    record Asset(byte[] bytes, String contentType, String etag) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|css|js|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    private static final String FOLDER = "console/";

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** The file of that name ({@code ""} is index.html), or empty when there is none. */
    Optional<Asset> find(String name) {
        String file = name.isEmpty() ? "index.html" : name;
        if (!NAME.matcher(file).matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(file, StaticAssets::load);
    }

    private static Optional<Asset> load(String file) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String ext = file.substring(file.lastIndexOf('.') + 1);
            return Optional.of(new Asset(bytes, TYPES.get(ext), etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + file + " from the classpath", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
