package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {

    @TempDir
    Path dir;

    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static ServerRecord server(String id, String request) {
        return new ServerRecord(id, "name-" + id, "g1", "h1", ServerStatus.BUILDING, "", 2, 1024, 10, "img.qcow2",
                "", request, T, T);
    }

    @Test
    void keepsEverythingAcrossReopen() {
        Path db = dir.resolve("sub/dir/controller.db");
        GroupRecord g = new GroupRecord("g1", "web", Policy.ANTI_AFFINITY, Scope.RACK, 2, T,
                HostFailurePolicy.EVACUATE);
        HostRecord h = new HostRecord("h1", "host-1", "r1", "z1", "10.0.0.1:7701",
                new HostCapacity(8, 16_384, 100, 200, 1, 512, 5, 4.0, 1.5), Resources.ZERO, new Resources(1, 2, 3),
                "ACCELERATION_KVM", "0.1.0", false, "maintenance", true, false, "", T, List.of(), null, List.of(),
                true, null, false);
        try (SqliteStore store = SqliteStore.open(db)) {
            store.insertGroup(g);
            store.upsertHost(h);
            store.insertServers("req-1", List.of(server("s1", "req-1"), server("s2", "req-1")));
            ServerRecord moving = server("s1", "req-1").movedTo("h2", "h1", ServerStatus.BUILDING, "moving",
                    T.plusSeconds(5));
            store.updateServers(List.of(moving));
            store.apply(List.of(new Mutation.AppendHistory(List.of(
                    new Mutation.Numbered(0, new HistoryEntry("s1", T, HistoryEntry.Event.PLACED, "", "h1", "new")),
                    new Mutation.Numbered(1, new HistoryEntry("s1", T.plusSeconds(5), HistoryEntry.Event.MIGRATED,
                            "h1", "h2", "drain")),
                    new Mutation.Numbered(0, new HistoryEntry("s2", T, HistoryEntry.Event.PLACED, "", "h1", ""))))));
            store.deleteServer("s2");
        }
        try (SqliteStore store = SqliteStore.open(db)) {
            assertThat(store.loadGroups()).containsExactly(g);
            HostRecord loaded = store.loadHosts().get(0);
            assertThat(loaded.capacity()).isEqualTo(h.capacity());
            assertThat(loaded.foreignUsage()).isEqualTo(h.foreignUsage());
            assertThat(loaded.schedulable()).isFalse();
            assertThat(loaded.unschedulableReason()).isEqualTo("maintenance");
            assertThat(loaded.up()).isFalse();
            assertThat(loaded.evacuationRequested()).isTrue();
            assertThat(store.loadServers()).containsExactly(server("s1", "req-1").movedTo("h2", "h1",
                    ServerStatus.BUILDING, "moving", T.plusSeconds(5)));
            assertThat(store.loadRequests()).containsEntry("req-1", List.of("s1", "s2"));
            // a deleted server's history goes with it
            assertThat(store.loadHistory()).containsOnlyKeys("s1");
            assertThat(store.loadHistory().get("s1")).extracting(HistoryEntry::event)
                    .containsExactly(HistoryEntry.Event.PLACED, HistoryEntry.Event.MIGRATED);
        }
    }

    @Test
    void writesInWalModeWithFullSync() throws Exception {
        Path db = dir.resolve("controller.db");
        try (SqliteStore store = SqliteStore.open(db)) {
            store.insertGroup(new GroupRecord("g1", "web", Policy.AFFINITY, Scope.HOST, 1, T, HostFailurePolicy.NONE));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1 "
                         + "ORDER BY installed_rank")) {
                List<String> versions = new java.util.ArrayList<>();
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
                assertThat(versions).containsExactly("1", "2", "3");
            }
        }
    }

    @Test
    void aFailedInsertOfSeveralServersWritesNoneOfThem() {
        try (SqliteStore store = SqliteStore.open(dir.resolve("controller.db"))) {
            store.insertServers("", List.of(server("s1", "")));
            assertThatThrownBy(() -> store.insertServers("req-2", List.of(server("s2", "req-2"), server("s1", "req-2"))))
                    .isInstanceOf(StoreException.class);
            assertThat(store.loadServers()).extracting(ServerRecord::id).containsExactly("s1");
            assertThat(store.loadRequests()).isEmpty();
        }
    }

    @Test
    void anUnopenablePathIsAStoreError() throws Exception {
        Path file = dir.resolve("file");
        java.nio.file.Files.writeString(file, "x");
        assertThatThrownBy(() -> SqliteStore.open(file.resolve("controller.db")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString());
    }
}
