package io.herd.controller.store;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file, migrated by Flyway from db/migration/sqlite, written in
 * WAL mode with synchronous=FULL so that a committed transaction is on disk before the call
 * returns. One connection, used under this object's lock: SQLite has a single writer anyway.
 * The SQL itself is {@link StoreSql}'s, shared with {@link PostgresStore}.
 */
public final class SqliteStore implements Store {

    private final Connection connection;

    private SqliteStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating when missing) the database at {@code path} and migrates it to the latest schema. */
    public static SqliteStore open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String url = "jdbc:sqlite:" + path.toAbsolutePath();
            // db/migration/sqlite holds the scripts that were db/migration's until PostgreSQL came:
            // Flyway records a script's name relative to its location and its checksum over its
            // text, both unchanged by the move, so databases made before it still validate.
            Flyway.configure()
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration/sqlite")
                    .load()
                    .migrate();
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            Connection connection = DriverManager.getConnection(url, config.toProperties());
            connection.setAutoCommit(false);
            return new SqliteStore(connection);
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            throw new StoreException("cannot open the SQLite store at " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<GroupRecord> loadGroups() {
        return read("load server groups", StoreSql::loadGroups);
    }

    @Override
    public synchronized List<HostRecord> loadHosts() {
        return read("load hosts", StoreSql::loadHosts);
    }

    @Override
    public synchronized List<ServerRecord> loadServers() {
        return read("load servers", StoreSql::loadServers);
    }

    @Override
    public synchronized List<FlavorRecord> loadFlavors() {
        return read("load flavors", StoreSql::loadFlavors);
    }

    @Override
    public synchronized Map<String, List<String>> loadRequests() {
        return read("load create requests", StoreSql::loadRequests);
    }

    @Override
    public synchronized Map<String, List<HistoryEntry>> loadHistory() {
        return read("load server history", StoreSql::loadHistory);
    }

    @Override
    public synchronized void apply(List<Mutation> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            StoreSql.write(connection, batch);
            connection.commit();
        } catch (SQLException e) {
            throw rollback("write " + batch.size() + " change(s)", e);
        }
    }

    private <T> T read(String what, StoreSql.Query<T> query) {
        try {
            T result = query.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            throw rollback(what, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }

    private StoreException rollback(String what, SQLException e) {
        try {
            connection.rollback();
        } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
        }
        return failure(what, e);
    }

    private static StoreException failure(String what, SQLException e) {
        return new StoreException("store: cannot " + what + ": " + e.getMessage(), e);
    }
}
