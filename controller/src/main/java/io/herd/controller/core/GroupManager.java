package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server groups: create, look up, list, delete. Inputs are already validated by the API. */
public final class GroupManager {

    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);

    private final Inventory inv;
    private final CoreSettings settings;
    /** Names of groups being written: taken, though not yet visible (under the inventory lock). */
    private final Set<String> pendingNames = new HashSet<>();

    GroupManager(Inventory inv, CoreSettings settings) {
        this.inv = inv;
        this.settings = settings;
    }

    /**
     * Creates a group once it is on disk; nobody sees it before. A group that cannot be
     * written is not created.
     *
     * @param onHostFailure null: the controller's default
     */
    public GroupView create(String name, Policy policy, Scope scope, int maxPerDomain,
                            HostFailurePolicy onHostFailure) {
        GroupRecord g;
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            if (inv.findGroup(name) != null || pendingNames.contains(name)) {
                throw new ControllerException(ControllerException.Kind.ALREADY_EXISTS,
                        "name: a server group named '" + name + "' already exists; choose another name");
            }
            int count = inv.groups().size() + pendingNames.size();
            if (settings.maxGroups() > 0 && count >= settings.maxGroups()) {
                throw ControllerException.exhausted("quota: " + count + " server groups exist, the most "
                        + "allowed is " + settings.maxGroups() + " (quotas.max_groups); delete an unused group first");
            }
            inv.requireStoreHealthy();
            g = new GroupRecord(UUID.randomUUID().toString(), name, policy, scope, maxPerDomain, inv.now(),
                    onHostFailure == null ? settings.defaultOnHostFailure() : onHostFailure);
            pendingNames.add(name);
            written = inv.storeGroup(g);
        }
        try {
            StoreWriter.await(written, "nothing was created, retry");
        } finally {
            synchronized (inv.lock) {
                pendingNames.remove(name);
            }
        }
        synchronized (inv.lock) {
            inv.putGroup(g);
            LOG.info("created server group {} ({}, {}, scope {}, max {} per domain, on host failure {})", g.name(),
                    g.id(), policy.displayName(), scope.displayName(), maxPerDomain, g.onHostFailure());
            return inv.groupView(g);
        }
    }

    public GroupView get(String idOrName) {
        synchronized (inv.lock) {
            return inv.groupView(require(idOrName));
        }
    }

    public List<GroupView> list() {
        synchronized (inv.lock) {
            return inv.groups().stream().map(inv::groupView).toList();
        }
    }

    public void delete(String idOrName) {
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            GroupRecord g = require(idOrName);
            int members = inv.memberIds(g.id()).size();
            if (members > 0) {
                throw ControllerException.precondition("server group '" + g.name() + "' still has " + members
                        + " member(s); delete its servers first");
            }
            inv.requireStoreHealthy();
            written = inv.removeGroup(g);
            LOG.info("deleted server group {} ({})", g.name(), g.id());
        }
        StoreWriter.await(written, "the group is deleted and its removal is written when the store is back");
    }

    private GroupRecord require(String idOrName) {
        GroupRecord g = inv.findGroup(idOrName);
        if (g == null) {
            throw ControllerException.notFound("id: no server group with id or name '" + idOrName + "'");
        }
        return g;
    }
}
