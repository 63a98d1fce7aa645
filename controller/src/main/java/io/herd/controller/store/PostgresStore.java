package io.herd.controller.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The shared store: a PostgreSQL database, migrated by Flyway from db/migration/postgresql (the
 * same versions as SQLite's history, with PostgreSQL's types), reached through a small HikariCP
 * pool. Every {@link #apply} is one transaction on one connection, committed before it returns;
 * every session runs with synchronous_commit at least {@code on} (raised from {@code off} if the
 * server or role set that), so a commit that returned is in the write-ahead log on disk. Writes
 * are serialised under this object's lock, so batches land in the order they were applied, as
 * with SQLite.
 *
 * <p>A failed statement rolls the whole transaction back. A connection lost during the commit
 * itself leaves the outcome unknown to the client; it is reported as a failure like any other,
 * which is safe for herd's writes: every caller acknowledges only after a successful return.
 */
public final class PostgresStore implements Store {

    /** Enough for the writer and the occasional read; the store serialises writes anyway. */
    private static final int POOL_SIZE = 4;
    /** How long a call waits for a connection before the store is reported unreachable, ms. */
    private static final long CONNECTION_TIMEOUT_MS = 10_000;
    /** Raises synchronous_commit to on when it is off, keeps stronger settings (remote_apply...). */
    private static final String DURABLE_COMMITS = "SELECT CASE WHEN current_setting('synchronous_commit') = 'off' "
            + "THEN set_config('synchronous_commit', 'on', false) END";

    private final HikariDataSource pool;
    private final PostgresTarget target;

    private PostgresStore(HikariDataSource pool, PostgresTarget target) {
        this.pool = pool;
        this.target = target;
    }

    /** Connects to the database and migrates it to the latest schema. */
    public static PostgresStore open(PostgresTarget target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("herd-store");
        config.setJdbcUrl(target.jdbcUrl());
        if (!target.user().isEmpty()) {
            config.setUsername(target.user());
        }
        if (!target.password().isEmpty()) {
            config.setPassword(target.password());
        }
        config.setAutoCommit(false);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setConnectionInitSql(DURABLE_COMMITS);
        config.addDataSourceProperty("ApplicationName", "herd-controller");
        // one multi-row INSERT per batch instead of a round trip per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool = null;
        try {
            pool = new HikariDataSource(config);
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/postgresql")
                    .load()
                    .migrate();
            return new PostgresStore(pool, target);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            throw new StoreException("cannot open the PostgreSQL store at " + target + ": " + rootMessage(e), e);
        }
    }

    @Override
    public List<GroupRecord> loadGroups() {
        return inTransaction("load server groups", StoreSql::loadGroups);
    }

    @Override
    public List<HostRecord> loadHosts() {
        return inTransaction("load hosts", StoreSql::loadHosts);
    }

    @Override
    public List<ServerRecord> loadServers() {
        return inTransaction("load servers", StoreSql::loadServers);
    }

    @Override
    public Map<String, List<String>> loadRequests() {
        return inTransaction("load create requests", StoreSql::loadRequests);
    }

    @Override
    public Map<String, List<HistoryEntry>> loadHistory() {
        return inTransaction("load server history", StoreSql::loadHistory);
    }

    @Override
    public synchronized void apply(List<Mutation> batch) {
        if (batch.isEmpty()) {
            return;
        }
        inTransaction("write " + batch.size() + " change(s)", c -> {
            StoreSql.write(c, batch);
            return null;
        });
    }

    /** A server setting as this store's sessions see it (tests check synchronous_commit). */
    String sessionSetting(String name) {
        return inTransaction("read setting " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    private <T> T inTransaction(String what, StoreSql.Query<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (SQLException e) {
            if (connectionLost(e)) {
                // the server restarted or the network dropped: the pool's other idle connections are
                // most likely dead too, and would each fail one more write before being replaced
                pool.getHikariPoolMXBean().softEvictConnections();
            }
            throw new StoreException("store: cannot " + what + " (" + target + "): " + e.getMessage(), e);
        }
    }

    /** SQLSTATE class 08 (connection exception) or 57P (operator intervention: shutdown, terminated). */
    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
