package io.herd.controller.store;

import io.herd.common.BackgroundWork;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file, migrated by Flyway from db/migration/sqlite, written in
 * WAL mode with synchronous=FULL so that a committed transaction is on disk before the call
 * returns. One connection, used under this object's lock: SQLite has a single writer anyway.
 * The SQL itself is {@link StoreSql}'s, shared with {@link PostgresStore}.
 *
 * <p>A commit never copies the write-ahead log into the database file: a thread of its own
 * does, on a second connection, every {@link #CHECKPOINT_EVERY} (a passive checkpoint, which
 * waits for no writer). Otherwise the commit that fills the log does it, and every write queued
 * behind that commit waits for the copy and its fsync.
 */
public final class SqliteStore implements Store {

    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

    private final Connection connection;
    private final Connection checkpoints;
    private final ScheduledExecutorService checkpointer = BackgroundWork.thread("store-checkpoint");
    /** The last checkpoint failed (its cause is logged once, until one succeeds). */
    private boolean checkpointFailing;

    private SqliteStore(Connection connection, Connection checkpoints) {
        this.connection = connection;
        this.checkpoints = checkpoints;
        long every = CHECKPOINT_EVERY.toMillis();
        checkpointer.scheduleWithFixedDelay(() -> BackgroundWork.run("the store's checkpoint", this::checkpoint),
                every, every, TimeUnit.MILLISECONDS);
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
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint=0");
            }
            connection.setAutoCommit(false);
            Connection checkpoints;
            try {
                checkpoints = DriverManager.getConnection(url, config.toProperties());
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return new SqliteStore(connection, checkpoints);
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

    /** Copies what the log holds into the database file, as far as it can without waiting. */
    private void checkpoint() {
        try (Statement st = checkpoints.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
            if (checkpointFailing) {
                LOG.info("the store's checkpoints succeed again");
                checkpointFailing = false;
            }
        } catch (SQLException e) {
            // commits go on, into a longer log; the next tick tries again
            if (!checkpointFailing) {
                LOG.warn("the store cannot copy its write-ahead log into the database file (tried again every {} ms):"
                        + " {}", CHECKPOINT_EVERY.toMillis(), e.getMessage());
                checkpointFailing = true;
            }
        }
    }

    @Override
    public void close() {
        checkpointer.shutdownNow();
        try {
            checkpointer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try (Connection writes = connection) {
                checkpoints.close();
            } catch (SQLException e) {
                throw failure("close", e);
            }
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
