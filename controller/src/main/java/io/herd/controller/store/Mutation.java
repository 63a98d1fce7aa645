package io.herd.controller.store;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.util.List;

/** One change to the store. Several are written in one transaction by {@link Store#apply}. */
public sealed interface Mutation {

    record InsertGroup(GroupRecord group) implements Mutation {
    }

    record DeleteGroup(String groupId) implements Mutation {
    }

    record UpsertHost(HostRecord host) implements Mutation {
    }

    record InsertFlavor(FlavorRecord flavor) implements Mutation {
    }

    /** Removes the flavor; servers created from it keep its sizes and name. */
    record DeleteFlavor(String flavorId) implements Mutation {
    }

    /** The servers of one create request, the request id when it is not empty, and their first history. */
    record InsertServers(String requestId, List<ServerRecord> servers, List<HistoryEntry> history)
            implements Mutation {
        public InsertServers {
            servers = List.copyOf(servers);
            history = List.copyOf(history);
        }

        public InsertServers(String requestId, List<ServerRecord> servers) {
            this(requestId, servers, List.of());
        }
    }

    /**
     * Steps added to servers' histories; {@code seq} numbers each server's entries from 0,
     * in the order given.
     */
    record AppendHistory(List<Numbered> entries) implements Mutation {
        public AppendHistory {
            entries = List.copyOf(entries);
        }
    }

    /** A history entry and its position in its server's history. */
    record Numbered(int seq, HistoryEntry entry) {
    }

    /** New state, host, old host and message of existing servers. */
    record UpdateServers(List<ServerRecord> servers) implements Mutation {
        public UpdateServers {
            servers = List.copyOf(servers);
        }
    }

    /** Removes the server and its history. */
    record DeleteServer(String serverId) implements Mutation {
    }
}
