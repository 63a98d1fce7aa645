package io.herd.controller.store;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL both stores run: the schemas of db/migration/sqlite and db/migration/postgresql have
 * the same tables and columns, so reads and writes are written once, in SQL both engines
 * accept (the host upsert is {@code INSERT ... ON CONFLICT DO UPDATE}, which SQLite has had
 * since 3.24). Transactions are the caller's: these methods neither commit nor roll back.
 */
final class StoreSql {

    private static final String SERVER_COLUMNS = "id, name, group_id, host_id, state, state_message, vcpus, "
            + "memory_mib, disk_gib, image, network, request_id, created_at_ms, updated_at_ms, previous_host_id, "
            + "flavor, metadata";

    private static final String HOST_COLUMNS = "id, name, rack, zone, agent_address, cpus, memory_mib, "
            + "disk_free_gib, disk_total_gib, reserved_cpus, reserved_memory_mib, reserved_disk_gib, "
            + "cpu_allocation_ratio, ram_allocation_ratio, foreign_vcpus, foreign_memory_mib, foreign_disk_gib, "
            + "acceleration, agent_version, schedulable, unschedulable_reason, last_heartbeat_ms, "
            + "evacuation_requested, approved";

    /** Every column but the key is replaced: what SQLite's INSERT OR REPLACE did, in SQL PostgreSQL runs too. */
    private static final String UPSERT_HOST = "INSERT INTO hosts (" + HOST_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, "
            + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + String.join(", ", Arrays.stream(HOST_COLUMNS.split(", ")).skip(1).map(c -> c + " = excluded." + c)
                    .toList());

    private StoreSql() {
    }

    /** A read in the caller's transaction. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    static List<GroupRecord> loadGroups(Connection connection) throws SQLException {
        List<GroupRecord> groups = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, policy, scope, max_per_domain, created_at_ms, "
                     + "on_host_failure FROM server_groups ORDER BY created_at_ms, id")) {
            while (rs.next()) {
                groups.add(new GroupRecord(rs.getString(1), rs.getString(2), Policy.valueOf(rs.getString(3)),
                        Scope.valueOf(rs.getString(4)), rs.getInt(5), Instant.ofEpochMilli(rs.getLong(6)),
                        HostFailurePolicy.valueOf(rs.getString(7))));
            }
            return groups;
        }
    }

    static List<HostRecord> loadHosts(Connection connection) throws SQLException {
        List<HostRecord> hosts = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + HOST_COLUMNS + " FROM hosts ORDER BY id")) {
            while (rs.next()) {
                HostCapacity capacity = new HostCapacity(rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getInt(10), rs.getLong(11), rs.getLong(12), rs.getDouble(13), rs.getDouble(14));
                Resources foreign = new Resources(rs.getInt(15), rs.getLong(16), rs.getLong(17));
                hosts.add(new HostRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), capacity, Resources.ZERO, foreign, rs.getString(18), rs.getString(19),
                        rs.getInt(20) != 0, rs.getString(21), false, false, "",
                        Instant.ofEpochMilli(rs.getLong(22)), List.of(), null, List.of(), rs.getInt(23) != 0,
                        null, rs.getInt(24) != 0));
            }
            return hosts;
        }
    }

    static List<ServerRecord> loadServers(Connection connection) throws SQLException {
        List<ServerRecord> servers = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + SERVER_COLUMNS + " FROM servers ORDER BY created_at_ms, id")) {
            while (rs.next()) {
                servers.add(new ServerRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        ServerStatus.valueOf(rs.getString(5)), rs.getString(6), rs.getInt(7), rs.getLong(8),
                        rs.getLong(9), rs.getString(10), rs.getString(11), rs.getString(12),
                        Instant.ofEpochMilli(rs.getLong(13)), Instant.ofEpochMilli(rs.getLong(14)),
                        rs.getString(15), rs.getString(16), MetadataJson.read(rs.getString(1), rs.getString(17))));
            }
            return servers;
        }
    }

    static List<FlavorRecord> loadFlavors(Connection connection) throws SQLException {
        List<FlavorRecord> flavors = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, vcpus, memory_mib, disk_gib, created_at_ms FROM flavors "
                     + "ORDER BY name")) {
            while (rs.next()) {
                flavors.add(new FlavorRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6))));
            }
            return flavors;
        }
    }

    static Map<String, List<String>> loadRequests(Connection connection) throws SQLException {
        Map<String, List<String>> requests = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT request_id, server_ids FROM create_requests")) {
            while (rs.next()) {
                String ids = rs.getString(2);
                requests.put(rs.getString(1), ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")));
            }
            return requests;
        }
    }

    static Map<String, List<HistoryEntry>> loadHistory(Connection connection) throws SQLException {
        Map<String, List<HistoryEntry>> history = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT server_id, at_ms, event, from_host_id, to_host_id, message "
                     + "FROM server_history ORDER BY server_id, seq")) {
            while (rs.next()) {
                HistoryEntry e = new HistoryEntry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        HistoryEntry.Event.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
                        rs.getString(6));
                history.computeIfAbsent(e.serverId(), k -> new ArrayList<>()).add(e);
            }
            return history;
        }
    }

    static void write(Connection connection, List<Mutation> batch) throws SQLException {
        for (Mutation m : batch) {
            if (m instanceof Mutation.InsertGroup x) {
                writeInsertGroup(connection, x.group());
            } else if (m instanceof Mutation.DeleteGroup x) {
                writeDeleteGroup(connection, x.groupId());
            } else if (m instanceof Mutation.InsertFlavor x) {
                writeInsertFlavor(connection, x.flavor());
            } else if (m instanceof Mutation.DeleteFlavor x) {
                deleteById(connection, "flavors", x.flavorId());
            } else if (m instanceof Mutation.UpsertHost x) {
                writeUpsertHost(connection, x.host());
            } else if (m instanceof Mutation.InsertServers x) {
                writeInsertServers(connection, x.requestId(), x.servers());
                writeHistory(connection, x.history().stream().map(e -> new Mutation.Numbered(0, e)).toList());
            } else if (m instanceof Mutation.AppendHistory x) {
                writeHistory(connection, x.entries());
            } else if (m instanceof Mutation.UpdateServers x) {
                writeUpdateServers(connection, x.servers());
            } else if (m instanceof Mutation.DeleteServer x) {
                writeDeleteServer(connection, x.serverId());
            }
        }
    }

    private static void writeInsertGroup(Connection connection, GroupRecord g) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO server_groups "
                + "(id, name, policy, scope, max_per_domain, created_at_ms, on_host_failure) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, g.id());
            ps.setString(2, g.name());
            ps.setString(3, g.policy().name());
            ps.setString(4, g.scope().name());
            ps.setInt(5, g.maxPerDomain());
            ps.setLong(6, g.createdAt().toEpochMilli());
            ps.setString(7, g.onHostFailure().name());
            ps.executeUpdate();
        }
    }

    private static void writeDeleteGroup(Connection connection, String groupId) throws SQLException {
        deleteById(connection, "server_groups", groupId);
    }

    private static void writeInsertFlavor(Connection connection, FlavorRecord f) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO flavors "
                + "(id, name, vcpus, memory_mib, disk_gib, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, f.id());
            ps.setString(2, f.name());
            ps.setInt(3, f.vcpus());
            ps.setLong(4, f.memoryMib());
            ps.setLong(5, f.diskGib());
            ps.setLong(6, f.createdAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** {@code table} is one of this class's constants, never a caller's text. */
    private static void deleteById(Connection connection, String table, String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void writeUpsertHost(Connection connection, HostRecord h) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPSERT_HOST)) {
            HostCapacity c = h.capacity();
            ps.setString(1, h.id());
            ps.setString(2, h.name());
            ps.setString(3, h.rack());
            ps.setString(4, h.zone());
            ps.setString(5, h.agentAddress());
            ps.setInt(6, c.cpus());
            ps.setLong(7, c.memoryMib());
            ps.setLong(8, c.diskFreeGib());
            ps.setLong(9, c.diskTotalGib());
            ps.setInt(10, c.reservedCpus());
            ps.setLong(11, c.reservedMemoryMib());
            ps.setLong(12, c.reservedDiskGib());
            ps.setDouble(13, c.cpuAllocationRatio());
            ps.setDouble(14, c.ramAllocationRatio());
            ps.setInt(15, h.foreignUsage().vcpus());
            ps.setLong(16, h.foreignUsage().memoryMib());
            ps.setLong(17, h.foreignUsage().diskGib());
            ps.setString(18, h.acceleration());
            ps.setString(19, h.agentVersion());
            ps.setInt(20, h.schedulable() ? 1 : 0);
            ps.setString(21, h.unschedulableReason());
            ps.setLong(22, h.lastHeartbeat().toEpochMilli());
            ps.setInt(23, h.evacuationRequested() ? 1 : 0);
            ps.setInt(24, h.approved() ? 1 : 0);
            ps.executeUpdate();
        }
    }

    private static void writeInsertServers(Connection connection, String requestId, List<ServerRecord> servers)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO servers (" + SERVER_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ServerRecord s : servers) {
                bindServer(ps, s);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (requestId != null && !requestId.isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO create_requests (request_id, server_ids, created_at_ms) VALUES (?, ?, ?)")) {
                ps.setString(1, requestId);
                ps.setString(2, String.join(",", servers.stream().map(ServerRecord::id).toList()));
                ps.setLong(3, servers.isEmpty() ? 0 : servers.get(0).createdAt().toEpochMilli());
                ps.executeUpdate();
            }
        }
    }

    private static void writeUpdateServers(Connection connection, List<ServerRecord> servers) throws SQLException {
        if (servers.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE servers SET host_id = ?, state = ?, "
                + "state_message = ?, updated_at_ms = ?, previous_host_id = ?, group_id = ? WHERE id = ?")) {
            for (ServerRecord s : servers) {
                ps.setString(1, s.hostId());
                ps.setString(2, s.status().name());
                ps.setString(3, s.statusMessage());
                ps.setLong(4, s.updatedAt().toEpochMilli());
                ps.setString(5, s.previousHostId());
                ps.setString(6, s.groupId());
                ps.setString(7, s.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeDeleteServer(Connection connection, String serverId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM servers WHERE id = ?")) {
            ps.setString(1, serverId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM server_history WHERE server_id = ?")) {
            ps.setString(1, serverId);
            ps.executeUpdate();
        }
    }

    private static void writeHistory(Connection connection, List<Mutation.Numbered> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO server_history (server_id, seq, at_ms, "
                + "event, from_host_id, to_host_id, message) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Mutation.Numbered n : entries) {
                HistoryEntry e = n.entry();
                ps.setString(1, e.serverId());
                ps.setInt(2, n.seq());
                ps.setLong(3, e.at().toEpochMilli());
                ps.setString(4, e.event().name());
                ps.setString(5, e.fromHostId());
                ps.setString(6, e.toHostId());
                ps.setString(7, e.message());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bindServer(PreparedStatement ps, ServerRecord s) throws SQLException {
        ps.setString(1, s.id());
        ps.setString(2, s.name());
        ps.setString(3, s.groupId());
        ps.setString(4, s.hostId());
        ps.setString(5, s.status().name());
        ps.setString(6, s.statusMessage());
        ps.setInt(7, s.vcpus());
        ps.setLong(8, s.memoryMib());
        ps.setLong(9, s.diskGib());
        ps.setString(10, s.image());
        ps.setString(11, s.network());
        ps.setString(12, s.requestId());
        ps.setLong(13, s.createdAt().toEpochMilli());
        ps.setLong(14, s.updatedAt().toEpochMilli());
        ps.setString(15, s.previousHostId());
        ps.setString(16, s.flavor());
        ps.setString(17, MetadataJson.write(s.metadata()));
    }
}
