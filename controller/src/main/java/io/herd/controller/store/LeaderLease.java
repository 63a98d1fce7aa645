package io.herd.controller.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * The lease of the leader among controllers that share a PostgreSQL database: the one row of
 * {@code leader_lease}, on a connection of its own (never queued behind the store's writes).
 * Times are the database's clock, so the controllers' clocks need not agree. A takeover raises
 * the epoch; {@link PostgresStore#term} fences every write with it.
 *
 * <p>Not thread-safe: one election thread uses it.
 */
public final class LeaderLease implements AutoCloseable {

    /** Who holds the lease now, as the database says. */
    public record Holder(long epoch, String holder, String address, boolean live) {
    }

    private static final String TAKE_OVER = "UPDATE leader_lease SET epoch = epoch + 1, holder = ?, address = ?, "
            + "expires_at = clock_timestamp() + ? * interval '1 millisecond' "
            + "WHERE id = 1 AND (expires_at < clock_timestamp() OR holder = ?) RETURNING epoch";
    private static final String RENEW = "UPDATE leader_lease SET expires_at = clock_timestamp() + ? * interval "
            + "'1 millisecond' WHERE id = 1 AND epoch = ? AND holder = ? AND expires_at > clock_timestamp()";
    private static final String RELEASE = "UPDATE leader_lease SET expires_at = '-infinity' "
            + "WHERE id = 1 AND epoch = ? AND holder = ?";
    private static final String READ = "SELECT epoch, holder, address, expires_at > clock_timestamp() "
            + "FROM leader_lease WHERE id = 1";

    private final PostgresTarget target;
    private final String holder;
    private final String address;
    private final Duration lease;
    private Connection connection;

    /**
     * @param holder  this controller, unique among those sharing the database
     * @param address where its clients reach it, host:port
     * @param lease   how long a term lasts without renewal
     */
    public LeaderLease(PostgresTarget target, String holder, String address, Duration lease) {
        this.target = target;
        this.holder = holder;
        this.address = address;
        this.lease = lease;
    }

    /**
     * Takes the lease if it ran out (or this controller holds it: a new term after it stepped
     * down), raising the epoch. The new epoch, or empty if another controller holds it.
     */
    public Optional<Long> tryTakeOver() {
        return run("take over the lease", c -> {
            try (PreparedStatement ps = c.prepareStatement(TAKE_OVER)) {
                ps.setString(1, holder);
                ps.setString(2, address);
                ps.setLong(3, lease.toMillis());
                ps.setString(4, holder);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /** Extends the lease of term {@code epoch}; false if the term is over or its lease already ran out. */
    public boolean renew(long epoch) {
        return run("renew the lease", c -> {
            try (PreparedStatement ps = c.prepareStatement(RENEW)) {
                ps.setLong(1, lease.toMillis());
                ps.setLong(2, epoch);
                ps.setString(3, holder);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Ends term {@code epoch} at once, so that a standby takes over without waiting for the lease. */
    public void release(long epoch) {
        run("release the lease", c -> {
            try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
                ps.setLong(1, epoch);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }

    /** The current holder. */
    public Holder read() {
        return run("read the lease", c -> {
            try (PreparedStatement ps = c.prepareStatement(READ); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the leader_lease row is missing");
                }
                return new Holder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4));
            }
        });
    }

    private <T> T run(String what, StoreSql.Query<T> work) {
        try {
            if (connection == null) {
                connection = connect();
            }
            return work.run(connection);
        } catch (SQLException e) {
            dropConnection();
            throw new StoreException("store: cannot " + what + " (" + target + "): " + e.getMessage(), e);
        }
    }

    /**
     * Autocommit; a statement or a silent network that takes longer than the lease is given up,
     * so that the election thread never waits past the time its term could last.
     */
    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!target.user().isEmpty()) {
            p.setProperty("user", target.user());
        }
        if (!target.password().isEmpty()) {
            p.setProperty("password", target.password());
        }
        long seconds = Math.max(1, (lease.toMillis() + 999) / 1000);
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("socketTimeout", Long.toString(seconds));
        p.setProperty("ApplicationName", "herd-controller lease " + address);
        p.setProperty("options", "-c lock_timeout=" + lease.toMillis() + " -c statement_timeout=" + lease.toMillis());
        return DriverManager.getConnection(target.jdbcUrl(), p);
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being thrown away
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        dropConnection();
    }
}
