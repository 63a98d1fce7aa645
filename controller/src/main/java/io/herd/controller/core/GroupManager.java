package io.herd.controller.core;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;
import io.herd.controller.store.Mutation;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server groups: create, look up, list, delete. Inputs are already validated by the API. */
public final class GroupManager {

    private static final Logger LOG = LoggerFactory.getLogger(GroupManager.class);

    private final Inventory inv;
    private final CoreSettings settings;

    GroupManager(Inventory inv, CoreSettings settings) {
        this.inv = inv;
        this.settings = settings;
    }

    public GroupView create(String name, Policy policy, Scope scope, int maxPerDomain) {
        synchronized (inv.lock) {
            if (inv.findGroup(name) != null) {
                throw new ControllerException(ControllerException.Kind.ALREADY_EXISTS,
                        "name: a server group named '" + name + "' already exists; choose another name");
            }
            if (settings.maxGroups() > 0 && inv.groups().size() >= settings.maxGroups()) {
                throw ControllerException.exhausted("quota: " + inv.groups().size() + " server groups exist, the most "
                        + "allowed is " + settings.maxGroups() + " (quotas.max_groups); delete an unused group first");
            }
            GroupRecord g = new GroupRecord(UUID.randomUUID().toString(), name, policy, scope, maxPerDomain,
                    inv.now());
            // rare: wait for the disk under the lock, so nobody sees a group that is not stored
            StoreWriter.await(inv.writer.submit(new Mutation.InsertGroup(g)), "nothing was created, retry");
            inv.putGroup(g);
            LOG.info("created server group {} ({}, {}, scope {}, max {} per domain)", g.name(), g.id(),
                    policy.displayName(), scope.displayName(), maxPerDomain);
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
        synchronized (inv.lock) {
            GroupRecord g = require(idOrName);
            int members = inv.memberIds(g.id()).size();
            if (members > 0) {
                throw ControllerException.precondition("server group '" + g.name() + "' still has " + members
                        + " member(s); delete its servers first");
            }
            StoreWriter.await(inv.writer.submit(new Mutation.DeleteGroup(g.id())), "nothing was deleted, retry");
            inv.removeGroup(g);
            LOG.info("deleted server group {} ({})", g.name(), g.id());
        }
    }

    private GroupRecord require(String idOrName) {
        GroupRecord g = inv.findGroup(idOrName);
        if (g == null) {
            throw ControllerException.notFound("id: no server group with id or name '" + idOrName + "'");
        }
        return g;
    }
}
