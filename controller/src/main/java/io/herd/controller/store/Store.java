package io.herd.controller.store;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.util.List;
import java.util.Map;

/**
 * Durable state of the controller. Every write returns only once it is on disk; a write
 * that throws {@link StoreException} changed nothing. Implementations: {@link SqliteStore}
 * (embedded, the default); a PostgreSQL store for several controllers comes next.
 */
public interface Store extends AutoCloseable {

    List<GroupRecord> loadGroups();

    List<HostRecord> loadHosts();

    List<ServerRecord> loadServers();

    /** request_id → the ids of the servers it created, in creation order. */
    Map<String, List<String>> loadRequests();

    void insertGroup(GroupRecord group);

    void deleteGroup(String groupId);

    void upsertHost(HostRecord host);

    /**
     * Inserts the servers of one create request, and the request id when it is not empty,
     * in one transaction: all or nothing.
     */
    void insertServers(String requestId, List<ServerRecord> servers);

    /** Updates servers (state, host, message) in one transaction. */
    void updateServers(List<ServerRecord> servers);

    void deleteServer(String serverId);

    @Override
    void close();
}
