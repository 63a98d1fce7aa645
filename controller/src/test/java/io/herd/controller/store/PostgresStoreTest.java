package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.GroupRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL (a database of each test's own, created and dropped
 * here; see {@link PostgresTestDatabase}), and what only the shared store promises.
 */
class PostgresStoreTest extends StoreContract {

    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) {
            database.close();
        }
    }

    @Override
    Store open() {
        return PostgresStore.open(database.target());
    }

    @Override
    Connection inspect() throws SQLException {
        return database.connect();
    }

    @Test
    void commitsDurablyWhereTheDatabaseTurnedSynchronousCommitOff() throws SQLException {
        database.execute("ALTER DATABASE $DB SET synchronous_commit = off");
        try (Connection c = database.connect();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("off");
        }
        try (PostgresStore store = PostgresStore.open(database.target())) {
            assertThat(store.sessionSetting("synchronous_commit")).isEqualTo("on");
        }
    }

    @Test
    void twoStoresOnOneDatabaseSeeEachOthersCommits() {
        try (Store a = open(); Store b = open()) {
            a.insertGroup(group("g1", "web"));
            assertThat(b.loadGroups()).extracting(GroupRecord::id).containsExactly("g1");
        }
    }

    /** A restarted server or a cut connection: the pool drops the dead connection, the next write gets a new one. */
    @Test
    void writesAgainAfterTheServerDroppedItsConnections() throws SQLException {
        try (Store store = open()) {
            store.insertGroup(group("g1", "web"));
            database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE datname = '$DB' AND pid <> pg_backend_pid()");
            try {
                store.insertGroup(group("g2", "db"));
            } catch (StoreException firstWriteOnADeadConnection) {
                store.insertGroup(group("g2", "db"));
            }
            assertThat(store.loadGroups()).extracting(GroupRecord::id).containsExactly("g1", "g2");
        }
    }

    @Test
    void anUnreachableServerIsAStoreErrorNamingItButNotThePassword() {
        PostgresTarget nowhere = new PostgresTarget("herd", "127.0.0.1", 1, "herd", "s3cret-pw");
        assertThatThrownBy(() -> PostgresStore.open(nowhere))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("postgresql://herd@127.0.0.1:1/herd")
                .hasMessageNotContaining("s3cret-pw");
    }
}
