package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, and what only the embedded store promises. */
class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("sub/dir/controller.db");
    }

    @Override
    Store open() {
        return SqliteStore.open(db());
    }

    @Override
    Connection inspect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db());
    }

    @Test
    void writesInWalModeWithFullSync() throws Exception {
        try (Store store = open()) {
            store.insertGroup(new GroupRecord("g1", "web", Policy.AFFINITY, Scope.HOST, 1, T, HostFailurePolicy.NONE));
            try (Connection c = inspect();
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
    }

    @Test
    void committedChangesReachTheDatabaseFileWhileTheStoreIsOpenWithoutACommitCopyingThem() throws Exception {
        try (Store store = open()) {
            long before = Files.size(db());
            List<Mutation> batch = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                batch.add(new Mutation.InsertGroup(new GroupRecord("g" + i, "group-" + i, Policy.AFFINITY, Scope.HOST,
                        1, T, HostFailurePolicy.NONE)));
            }
            store.apply(batch);
            // far fewer pages than SQLite's own automatic checkpoint waits for: the checkpoint thread copies them
            org.awaitility.Awaitility.await().until(() -> Files.size(db()) > before);
            try (Connection c = inspect();
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM server_groups")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2000);
            }
        }
    }

    /**
     * Flyway validates a database's history against the scripts by version, description, script
     * name and checksum: these are what releases before the PostgreSQL store recorded (from
     * db/migration, now db/migration/sqlite). An applied script edited, or renamed, would stop
     * every existing controller from starting.
     */
    @Test
    void recordsTheMigrationsExactlyAsEarlierReleasesDid() throws Exception {
        try (Store store = open()) {
            assertThat(store.loadGroups()).isEmpty();
        }
        List<String> rows = new ArrayList<>();
        try (Connection c = inspect();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, script, checksum FROM flyway_schema_history "
                     + "ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            }
        }
        assertThat(rows).startsWith("1 V1__initial_schema.sql -995090330",
                "2 V2__failure_handling.sql -1365949213", "3 V3__host_approval.sql 130907533",
                "4 V4__leader_lease.sql 1512564527");
        assertThat(rows).hasSize(5).last().asString().startsWith("5 V5__flavors.sql");
    }

    @Test
    void anUnopenablePathIsAStoreError() throws Exception {
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> SqliteStore.open(file.resolve("controller.db")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString());
    }
}
