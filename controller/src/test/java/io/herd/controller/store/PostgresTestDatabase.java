package io.herd.controller.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL database of a test's own, created on the server scripts/setup-machine.sh starts
 * (role herd_test, password in its file) and dropped by {@link #close}. Another server:
 * HERD_TEST_POSTGRES_URL (postgresql://user@host:port/db of a role with CREATEDB) and
 * HERD_TEST_POSTGRES_PASSWORD_FILE. When the server cannot be reached this fails the test, with
 * what to run: the PostgreSQL store is part of herd, and CI runs setup-machine.sh first.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    static final String DEFAULT_URL = "postgresql://herd_test@127.0.0.1:5432/postgres";
    static final String DEFAULT_PASSWORD_FILE = "/var/lib/herd-test/postgresql.password";

    private final PostgresTarget admin;
    private final PostgresTarget target;

    private PostgresTestDatabase(PostgresTarget admin, PostgresTarget target) {
        this.admin = admin;
        this.target = target;
    }

    /** Creates an empty database named herd_test_&lt;random&gt;. */
    public static PostgresTestDatabase create() {
        String url = env("HERD_TEST_POSTGRES_URL", DEFAULT_URL);
        Path passwordFile = Path.of(env("HERD_TEST_POSTGRES_PASSWORD_FILE", DEFAULT_PASSWORD_FILE));
        String password;
        try {
            password = Files.readString(passwordFile).strip();
        } catch (IOException e) {
            throw unreachable(url, "cannot read the password file " + passwordFile + ": " + e);
        }
        PostgresTarget admin = PostgresTarget.parse(url, password);
        String name = "herd_test_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw unreachable(url, e.getMessage());
        }
        return new PostgresTestDatabase(admin, admin.withDatabase(name));
    }

    public PostgresTarget target() {
        return target;
    }

    /** A plain connection to the test's database, to look at what the store wrote. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    /** Runs SQL as the role that owns the database (e.g. ALTER DATABASE ... SET ...). */
    void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
             Statement st = c.createStatement()) {
            st.execute(sql.replace("$DB", target.database()));
        }
    }

    /**
     * Drops the database. A server process of PostgreSQL's own (autovacuum) may be in it for a
     * moment, which FORCE may not end: the drop is tried again until it succeeds.
     */
    @Override
    public void close() throws SQLException {
        SQLException[] last = new SQLException[1];
        try {
            org.awaitility.Awaitility.await("drop of " + target.database()).atMost(java.time.Duration.ofSeconds(15))
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
                        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(),
                                admin.password()); Statement st = c.createStatement()) {
                            st.execute("DROP DATABASE IF EXISTS " + target.database() + " WITH (FORCE)");
                            return true;
                        } catch (SQLException e) {
                            last[0] = e;
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw last[0] != null ? last[0] : new SQLException(e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static AssertionError unreachable(String url, String why) {
        return new AssertionError("PostgreSQL for the store tests is not reachable at " + url + " (" + why + "). "
                + "Run scripts/setup-machine.sh as root: it installs and starts PostgreSQL 15 and makes the "
                + "herd_test role (or point HERD_TEST_POSTGRES_URL and HERD_TEST_POSTGRES_PASSWORD_FILE at "
                + "another server).");
    }
}
