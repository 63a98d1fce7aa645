package io.herd.controller.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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

    /** The leader's check, first in each of its write transactions; the row lock orders it with a takeover. */
    private static final String CHECK_TERM = "SELECT epoch, expires_at > clock_timestamp() FROM leader_lease "
            + "WHERE id = 1 FOR SHARE";
    /** How long a session may sit in a transaction: a paused controller must not block its successor longer. */
    private static final Duration DEFAULT_IDLE_IN_TRANSACTION = Duration.ofSeconds(5);

    /** Connects to the database and migrates it to the latest schema. */
    public static PostgresStore open(PostgresTarget target) {
        return open(target, DEFAULT_IDLE_IN_TRANSACTION, "herd-controller");
    }

    /**
     * Connects to the database and migrates it to the latest schema. A session of this store
     * that sits in a transaction longer than {@code idleInTransaction} (its controller was
     * paused mid-write) is ended by the server, releasing its locks. The sessions carry
     * {@code applicationName}, which pg_stat_activity shows (and triggers may read).
     */
    public static PostgresStore open(PostgresTarget target, Duration idleInTransaction, String applicationName) {
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
        config.setConnectionInitSql(DURABLE_COMMITS + "; SET idle_in_transaction_session_timeout = "
                + Math.max(1, idleInTransaction.toMillis()));
        config.addDataSourceProperty("ApplicationName", applicationName);
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
    public List<FlavorRecord> loadFlavors() {
        return inTransaction("load flavors", StoreSql::loadFlavors);
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

    /**
     * This store as written by the leader of term {@code epoch}: each write first checks, in its
     * own transaction and under a lock a takeover must wait for, that the term is still current
     * and its lease unexpired. A write that finds otherwise, or loses the connection on the way
     * (its outcome unknown), throws a {@link StoreException#endsTerm} exception.
     */
    public Store term(long epoch) {
        return new Term(epoch);
    }

    private synchronized void applyInTerm(long epoch, List<Mutation> batch) {
        if (batch.isEmpty()) {
            return;
        }
        inTransaction("write " + batch.size() + " change(s)", c -> {
            checkTerm(c, epoch);
            StoreSql.write(c, batch);
            return null;
        }, epoch);
    }

    private static void checkTerm(Connection c, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECK_TERM); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw StoreException.termEnded("store: the leader_lease row is missing; writing nothing", null);
            }
            long current = rs.getLong(1);
            if (current != epoch) {
                throw StoreException.termEnded("store: term " + epoch + " is over, another controller leads in "
                        + "term " + current + "; writing nothing", null);
            }
            if (!rs.getBoolean(2)) {
                throw StoreException.termEnded("store: the lease of term " + epoch + " ran out before this write; "
                        + "writing nothing", null);
            }
        }
    }

    /** The store seen through one leader's term. */
    private final class Term implements Store {
        private final long epoch;

        Term(long epoch) {
            this.epoch = epoch;
        }

        @Override
        public List<GroupRecord> loadGroups() {
            return PostgresStore.this.loadGroups();
        }

        @Override
        public List<HostRecord> loadHosts() {
            return PostgresStore.this.loadHosts();
        }

        @Override
        public List<ServerRecord> loadServers() {
            return PostgresStore.this.loadServers();
        }

        @Override
        public List<FlavorRecord> loadFlavors() {
            return PostgresStore.this.loadFlavors();
        }

        @Override
        public Map<String, List<String>> loadRequests() {
            return PostgresStore.this.loadRequests();
        }

        @Override
        public Map<String, List<HistoryEntry>> loadHistory() {
            return PostgresStore.this.loadHistory();
        }

        @Override
        public void apply(List<Mutation> batch) {
            applyInTerm(epoch, batch);
        }

        /** The store itself stays open: the controller closes it when it stops. */
        @Override
        public void close() {
        }
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
        return inTransaction(what, work, 0);
    }

    /**
     * Runs {@code work} in one transaction and commits it. With {@code term} above 0 it is a
     * write of that term's leader: losing the connection on the way leaves its outcome unknown,
     * which ends the term ({@link StoreException#endsTerm}).
     */
    private <T> T inTransaction(String what, StoreSql.Query<T> work, long term) {
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
                if (term > 0) {
                    throw StoreException.termEnded("store: lost the database while trying to " + what + " as leader "
                            + "of term " + term + " (" + target + "), which may or may not have landed: "
                            + e.getMessage(), e);
                }
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
