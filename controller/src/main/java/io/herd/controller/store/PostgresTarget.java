package io.herd.controller.store;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a {@link PostgresStore} lives: {@code postgresql://[user@]host[:port]/database}, and the
 * password, which never comes from that URL (it would show in process lists and logs) but from a
 * file or the environment. {@link #toString} leaves the password out.
 *
 * @param user     role to log in as; empty: the driver's default (the OS user name)
 * @param password its password; empty: none (trust or peer authentication)
 */
public record PostgresTarget(String user, String host, int port, String database, String password) {

    public static final int DEFAULT_PORT = 5432;

    /**
     * Parses {@code postgresql://[user@]host[:port]/database}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static PostgresTarget parse(String url, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL (" + e.getMessage() + ")");
        }
        if (!"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException("must be postgresql://[user@]host[:port]/database, was '" + url + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("names no host: postgresql://[user@]host[:port]/database");
        }
        String user = uri.getUserInfo() == null ? "" : uri.getUserInfo();
        if (user.contains(":")) {
            throw new IllegalArgumentException("must not carry a password: put it in store.password_file or "
                    + "HERD_STORE_PASSWORD");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("must name one database: postgresql://[user@]host[:port]/database");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("takes no parameters (?...) or fragment (#...)");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        return new PostgresTarget(user, uri.getHost(), port, database, password == null ? "" : password);
    }

    /** The JDBC URL of the database (no credentials in it). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The same target in another database of the same server (tests make databases of their own). */
    public PostgresTarget withDatabase(String other) {
        return new PostgresTarget(user, host, port, other, password);
    }

    @Override
    public String toString() {
        return "postgresql://" + (user.isEmpty() ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
