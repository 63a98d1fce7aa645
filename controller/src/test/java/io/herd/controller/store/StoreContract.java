package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} promises, whatever its engine: each subclass opens its store on a
 * database of the test's own, and every case here runs against each of them.
 */
abstract class StoreContract {

    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** Opens the store on this test's database; called again after a close to reopen it. */
    abstract Store open();

    /** A plain JDBC connection to this test's database, to look at what the store wrote. */
    abstract Connection inspect() throws SQLException;

    static ServerRecord server(String id, String request) {
        return new ServerRecord(id, "name-" + id, "g1", "h1", ServerStatus.BUILDING, "", 2, 1024, 10, "img.qcow2",
                "", request, T, T);
    }

    static GroupRecord group(String id, String name) {
        return new GroupRecord(id, name, Policy.ANTI_AFFINITY, Scope.RACK, 2, T, HostFailurePolicy.EVACUATE);
    }

    static HostRecord host(String id, HostCapacity capacity, boolean approved) {
        return new HostRecord(id, "host-" + id, "r1", "z1", "10.0.0.1:7701", capacity, Resources.ZERO,
                new Resources(1, 2, 3), "ACCELERATION_KVM", "0.1.0", false, "maintenance", true, false, "", T,
                List.of(), null, List.of(), true, null, approved);
    }

    static final HostCapacity SMALL = new HostCapacity(8, 16_384, 100, 200, 1, 512, 5, 4.0, 1.5);

    @Test
    void keepsEverythingAcrossReopen() {
        GroupRecord g = group("g1", "web");
        HostRecord h = host("h1", SMALL, false);
        try (Store store = open()) {
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
        try (Store store = open()) {
            assertThat(store.loadGroups()).containsExactly(g);
            HostRecord loaded = store.loadHosts().get(0);
            assertThat(loaded.capacity()).isEqualTo(h.capacity());
            assertThat(loaded.foreignUsage()).isEqualTo(h.foreignUsage());
            assertThat(loaded.schedulable()).isFalse();
            assertThat(loaded.unschedulableReason()).isEqualTo("maintenance");
            assertThat(loaded.up()).isFalse();
            assertThat(loaded.evacuationRequested()).isTrue();
            assertThat(loaded.approved()).isFalse();
            assertThat(loaded.lastHeartbeat()).isEqualTo(T);
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
    void aFailedInsertOfSeveralServersWritesNoneOfThem() {
        try (Store store = open()) {
            store.insertServers("", List.of(server("s1", "")));
            assertThatThrownBy(() -> store.insertServers("req-2", List.of(server("s2", "req-2"), server("s1", "req-2"))))
                    .isInstanceOf(StoreException.class);
            assertThat(store.loadServers()).extracting(ServerRecord::id).containsExactly("s1");
            assertThat(store.loadRequests()).isEmpty();
        }
    }

    @Test
    void aFailedBatchWritesNoneOfItsChangesAndTheStoreWritesOnAfterwards() {
        try (Store store = open()) {
            store.insertServers("", List.of(server("s1", "")));
            List<Mutation> batch = List.of(new Mutation.InsertGroup(group("g2", "db")),
                    new Mutation.UpsertHost(host("h1", SMALL, true)),
                    new Mutation.InsertServers("req-3", List.of(server("s1", "req-3"))));
            assertThatThrownBy(() -> store.apply(batch)).isInstanceOf(StoreException.class);
            assertThat(store.loadGroups()).isEmpty();
            assertThat(store.loadHosts()).isEmpty();
            assertThat(store.loadRequests()).isEmpty();

            store.apply(batch.subList(0, 2));
            assertThat(store.loadGroups()).extracting(GroupRecord::id).containsExactly("g2");
            assertThat(store.loadHosts()).extracting(HostRecord::id).containsExactly("h1");
        }
    }

    @Test
    void aSecondGroupOfTheSameNameIsRefused() {
        try (Store store = open()) {
            store.insertGroup(group("g1", "web"));
            assertThatThrownBy(() -> store.insertGroup(group("g2", "web"))).isInstanceOf(StoreException.class);
            store.deleteGroup("g1");
            store.insertGroup(group("g2", "web"));
            assertThat(store.loadGroups()).extracting(GroupRecord::id).containsExactly("g2");
        }
    }

    @Test
    void upsertingAKnownHostReplacesEveryColumn() {
        try (Store store = open()) {
            store.upsertHost(host("h1", SMALL, false));
            HostCapacity bigger = new HostCapacity(64, 262_144, 2_000, 4_000, 2, 1_024, 10, 2.0, 1.0);
            store.upsertHost(host("h1", bigger, true));
            assertThat(store.loadHosts()).singleElement().satisfies(h -> {
                assertThat(h.capacity()).isEqualTo(bigger);
                assertThat(h.approved()).isTrue();
            });
        }
    }

    @Test
    void keepsLargeNumbersAndFractionsExactly() {
        // beyond 32 bits (4 PiB of memory, times in 2200) and ratios a 4-byte float would round
        HostCapacity huge = new HostCapacity(4_096, 4_294_967_296L * 1024, 9_000_000_000L, 9_000_000_001L, 3,
                3_000_000_000L, 7, 1.1, 0.3);
        Instant late = Instant.parse("2200-01-01T00:00:00.123Z");
        ServerRecord s = new ServerRecord("s1", "big", "g1", "h1", ServerStatus.ACTIVE, "", 512, 5_000_000_000L,
                6_000_000_000L, "img", "net", "", late, late);
        try (Store store = open()) {
            store.upsertHost(host("h1", huge, true));
            store.insertServers("", List.of(s));
        }
        try (Store store = open()) {
            assertThat(store.loadHosts().get(0).capacity()).isEqualTo(huge);
            assertThat(store.loadServers()).containsExactly(s);
        }
    }

    @Test
    void loadsServersByCreationTimeThenIdInByteOrder() {
        ServerRecord early = server("s-z", "");
        List<ServerRecord> later = new ArrayList<>();
        for (String id : List.of("s-b", "s-a", "s-B", "s-A")) {
            later.add(new ServerRecord(id, id, "g1", "h1", ServerStatus.BUILDING, "", 1, 1, 1, "img", "", "",
                    T.plusSeconds(1), T.plusSeconds(1)));
        }
        try (Store store = open()) {
            store.insertServers("", later);
            store.insertServers("", List.of(early));
            assertThat(store.loadServers()).extracting(ServerRecord::id)
                    .containsExactly("s-z", "s-A", "s-B", "s-a", "s-b");
        }
    }

    @Test
    void keepsFlavorsByNameAndRefusesATakenIdOrName() {
        FlavorRecord small = new FlavorRecord("f-1", "small", 1, 512, 0, T);
        FlavorRecord big = new FlavorRecord("f-2", "big", 1024, 16L * 1024 * 1024, 65_536, T.plusMillis(1));
        try (Store store = open()) {
            store.insertFlavor(small);
            store.insertFlavor(big);
            assertThatThrownBy(() -> store.insertFlavor(new FlavorRecord("f-1", "other", 1, 512, 0, T)))
                    .isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.insertFlavor(new FlavorRecord("f-3", "small", 1, 512, 0, T)))
                    .isInstanceOf(StoreException.class);
        }
        try (Store store = open()) {
            assertThat(store.loadFlavors()).containsExactly(big, small);
            store.deleteFlavor("f-1");
            assertThat(store.loadFlavors()).containsExactly(big);
        }
    }

    @Test
    void keepsAServersFlavorAndMetadataInTheirOrderThroughUpdates() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zeta", "last letter, first key");
        metadata.put("alpha", "");
        metadata.put("ключ", "значение \"quoted\" {json}");
        ServerRecord s = new ServerRecord("s1", "web-1", "", "h1", ServerStatus.BUILDING, "", 2, 2048, 20, "img",
                "", "", T, T, "", "m1.small", metadata);
        try (Store store = open()) {
            store.insertServers("", List.of(s, server("s2", "")));
            store.updateServers(List.of(s.withStatus(ServerStatus.ACTIVE, "", T.plusSeconds(1))));
        }
        try (Store store = open()) {
            List<ServerRecord> loaded = store.loadServers();
            assertThat(loaded).containsExactly(s.withStatus(ServerStatus.ACTIVE, "", T.plusSeconds(1)),
                    server("s2", ""));
            assertThat(loaded.get(0).metadata().keySet()).containsExactly("zeta", "alpha", "ключ");
            assertThat(loaded.get(1).flavor()).isEmpty();
            assertThat(loaded.get(1).metadata()).isEmpty();
        }
    }

    @Test
    void serversWrittenBeforeFlavorsLoadWithNoFlavorAndNoMetadata() throws SQLException {
        try (Store store = open()) {
            assertThat(store.loadServers()).isEmpty();
        }
        // a row as an older controller wrote it: the columns it did not know take their defaults
        try (Connection c = inspect(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.executeUpdate("INSERT INTO servers (id, name, group_id, host_id, state, state_message, vcpus, "
                    + "memory_mib, disk_gib, image, network, request_id, created_at_ms, updated_at_ms) VALUES "
                    + "('old', 'old', '', '', 'ERROR', '', 1, 512, 0, '', '', '', 0, 0)");
        }
        try (Store store = open()) {
            assertThat(store.loadServers()).singleElement().satisfies(s -> {
                assertThat(s.flavor()).isEmpty();
                assertThat(s.metadata()).isEmpty();
            });
        }
    }

    @Test
    void migratesToTheSameVersionsOnEveryEngine() throws SQLException {
        try (Store store = open()) {
            assertThat(store.loadServers()).isEmpty();
        }
        List<String> applied = new ArrayList<>();
        try (Connection c = inspect();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, description FROM flyway_schema_history "
                     + "WHERE success = true ORDER BY installed_rank")) {
            while (rs.next()) {
                applied.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        assertThat(applied).containsExactly("1 initial schema", "2 failure handling", "3 host approval",
                "4 leader lease", "5 flavors");
    }
}
