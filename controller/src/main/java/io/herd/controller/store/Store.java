package io.herd.controller.store;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.util.List;
import java.util.Map;

/**
 * Durable state of the controller. Every write returns only once it is on disk; a write
 * that throws {@link StoreException} changed nothing. Implementations: {@link SqliteStore}
 * (embedded, the default) and {@link PostgresStore} (a database several controllers can share).
 */
public interface Store extends AutoCloseable {

    List<GroupRecord> loadGroups();

    List<HostRecord> loadHosts();

    List<ServerRecord> loadServers();

    /** Every flavor, by name. */
    List<FlavorRecord> loadFlavors();

    /** request_id → the ids of the servers it created, in creation order. */
    Map<String, List<String>> loadRequests();

    /** server id → its history, oldest first. */
    Map<String, List<HistoryEntry>> loadHistory();

    /**
     * Writes every mutation in one transaction, in order: all of them are on disk when this
     * returns, or none (and it throws {@link StoreException}).
     */
    void apply(List<Mutation> batch);

    default void insertGroup(GroupRecord group) {
        apply(List.of(new Mutation.InsertGroup(group)));
    }

    default void deleteGroup(String groupId) {
        apply(List.of(new Mutation.DeleteGroup(groupId)));
    }

    default void insertFlavor(FlavorRecord flavor) {
        apply(List.of(new Mutation.InsertFlavor(flavor)));
    }

    default void deleteFlavor(String flavorId) {
        apply(List.of(new Mutation.DeleteFlavor(flavorId)));
    }

    default void upsertHost(HostRecord host) {
        apply(List.of(new Mutation.UpsertHost(host)));
    }

    /** The servers of one create request and its request id (when not empty), all or nothing. */
    default void insertServers(String requestId, List<ServerRecord> servers) {
        apply(List.of(new Mutation.InsertServers(requestId, servers)));
    }

    default void updateServers(List<ServerRecord> servers) {
        apply(List.of(new Mutation.UpdateServers(servers)));
    }

    default void deleteServer(String serverId) {
        apply(List.of(new Mutation.DeleteServer(serverId)));
    }

    @Override
    void close();
}
