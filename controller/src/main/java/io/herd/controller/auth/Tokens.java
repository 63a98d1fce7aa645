package io.herd.controller.auth;

import io.herd.runtime.config.ConfigException;
import io.herd.runtime.tls.Identity;
import io.herd.runtime.tls.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens of API clients, from {@code auth.tokens_file}: one line per token,
 * {@code NAME ROLE sha256:HEX}, where HEX is the SHA-256 of the token (the file holds no
 * token itself). ROLE is viewer, operator or admin; {@code #} starts a comment. The file is
 * read again when it changes; a changed file with a bad line is not used (the tokens before
 * it stay) and the error is logged.
 */
public final class Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);
    /** How often, at most, the file's modification time is looked at. */
    private static final long CHECK_EVERY_NANOS = 2_000_000_000L;
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final Path file;
    private volatile Map<String, Identity> byHash;
    private volatile FileTime readAt;
    private volatile long checkedAt;

    private Tokens(Path file, Map<String, Identity> byHash, FileTime readAt) {
        this.file = file;
        this.byHash = byHash;
        this.readAt = readAt;
        this.checkedAt = System.nanoTime();
    }

    /** Reads the file; a bad line stops the start with the line named. */
    public static Tokens load(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return new Tokens(file, parse(file, Files.readAllLines(file, StandardCharsets.UTF_8)), time);
        } catch (IOException e) {
            throw new ConfigException("auth.tokens_file", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The identity a token stands for, if the file lists it. */
    public Optional<Identity> lookup(String token) {
        reloadIfChanged();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHash.get(sha256(token)));
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < CHECK_EVERY_NANOS) {
            return;
        }
        checkedAt = now;
        try {
            FileTime time = Files.getLastModifiedTime(file);
            if (time.equals(readAt)) {
                return;
            }
            byHash = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
            readAt = time;
            LOG.info("read {} again: {} tokens", file, byHash.size());
        } catch (IOException | ConfigException e) {
            LOG.error("cannot use the changed {} (the tokens read before stay in use): {}", file, e.getMessage());
        }
    }

    static Map<String, Identity> parse(Path file, List<String> lines) {
        Map<String, Identity> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new ConfigException("auth.tokens_file", where + ": expected NAME ROLE sha256:HEX");
            }
            Optional<Role> role = Role.parse(f[1].toLowerCase(Locale.ROOT));
            if (role.isEmpty() || !(role.get() == Role.VIEWER || role.get() == Role.OPERATOR
                    || role.get() == Role.ADMIN)) {
                throw new ConfigException("auth.tokens_file", where + ": role must be viewer, operator or admin, was '"
                        + f[1] + "'");
            }
            String hash = f[2].toLowerCase(Locale.ROOT);
            if (!hash.matches("sha256:[0-9a-f]{64}")) {
                throw new ConfigException("auth.tokens_file", where + ": the third field must be sha256: and the "
                        + "64 hex digits of the token's SHA-256 (echo -n TOKEN | sha256sum)");
            }
            if (out.put(hash.substring(7), new Identity(f[0], role, Identity.Via.TOKEN, List.of())) != null) {
                throw new ConfigException("auth.tokens_file", where + ": the same token is listed twice");
            }
        }
        return Map.copyOf(out);
    }

    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
