package io.herd.controller.store;

import io.herd.controller.model.GroupRecord;
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

    /** The servers of one create request, and the request id when it is not empty. */
    record InsertServers(String requestId, List<ServerRecord> servers) implements Mutation {
        public InsertServers {
            servers = List.copyOf(servers);
        }
    }

    /** New state, host and message of existing servers. */
    record UpdateServers(List<ServerRecord> servers) implements Mutation {
        public UpdateServers {
            servers = List.copyOf(servers);
        }
    }

    record DeleteServer(String serverId) implements Mutation {
    }
}
