package io.herd.controller.core;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.store.Mutation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flavors: named sizes servers are created from. Create, look up, list, delete; inputs are
 * already validated by the API. Placement never sees a flavor (a server carries its own sizes),
 * so flavors are kept here rather than in the inventory, under the inventory's lock and written
 * through its store writer, like groups.
 */
public final class FlavorManager {

    private static final Logger LOG = LoggerFactory.getLogger(FlavorManager.class);

    private final Inventory inv;
    /** By id; under the inventory lock. */
    private final Map<String, FlavorRecord> byId = new HashMap<>();
    /** By name, in name order; under the inventory lock. */
    private final Map<String, FlavorRecord> byName = new TreeMap<>();
    /** Ids and names of flavors being written: taken, though not yet visible (under the inventory lock). */
    private final Set<String> pendingIds = new HashSet<>();
    private final Set<String> pendingNames = new HashSet<>();

    FlavorManager(Inventory inv, List<FlavorRecord> loaded) {
        this.inv = inv;
        for (FlavorRecord f : loaded) {
            byId.put(f.id(), f);
            byName.put(f.name(), f);
        }
    }

    /**
     * Creates a flavor once it is on disk; nobody sees it before. A flavor that cannot be
     * written is not created.
     *
     * @param id empty: a new UUID
     * @throws ControllerException ALREADY_EXISTS, naming the field, when the id or the name is taken
     */
    public FlavorRecord create(String id, String name, int vcpus, long memoryMib, long diskGib) {
        FlavorRecord f;
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            String flavorId = id.isEmpty() ? UUID.randomUUID().toString() : id;
            if (byId.containsKey(flavorId) || pendingIds.contains(flavorId)) {
                throw new ControllerException(ControllerException.Kind.ALREADY_EXISTS,
                        "id: a flavor with id '" + flavorId + "' already exists; choose another id");
            }
            if (byName.containsKey(name) || pendingNames.contains(name)) {
                throw new ControllerException(ControllerException.Kind.ALREADY_EXISTS,
                        "name: a flavor named '" + name + "' already exists; choose another name");
            }
            inv.requireStoreHealthy();
            // the store keeps milliseconds: what is seen now is what is loaded after a restart
            Instant now = inv.now().truncatedTo(ChronoUnit.MILLIS);
            f = new FlavorRecord(flavorId, name, vcpus, memoryMib, diskGib, now);
            pendingIds.add(flavorId);
            pendingNames.add(name);
            written = inv.writer().attempt(new Mutation.InsertFlavor(f));
        }
        try {
            StoreWriter.await(written, "nothing was created, retry");
        } finally {
            synchronized (inv.lock) {
                pendingIds.remove(f.id());
                pendingNames.remove(name);
            }
        }
        synchronized (inv.lock) {
            byId.put(f.id(), f);
            byName.put(f.name(), f);
        }
        LOG.info("created flavor {} ({}, {} vCPU, {} MiB, {} GiB)", f.name(), f.id(), vcpus, memoryMib, diskGib);
        return f;
    }

    /** By id, else by name. */
    public FlavorRecord get(String idOrName) {
        synchronized (inv.lock) {
            return require(idOrName);
        }
    }

    /** Every flavor, by name. */
    public List<FlavorRecord> list() {
        synchronized (inv.lock) {
            return List.copyOf(byName.values());
        }
    }

    /** Servers created from the flavor keep their sizes and its name. */
    public void delete(String idOrName) {
        CompletableFuture<Void> written;
        synchronized (inv.lock) {
            FlavorRecord f = require(idOrName);
            inv.requireStoreHealthy();
            byId.remove(f.id());
            byName.remove(f.name());
            written = inv.writer().submit(new Mutation.DeleteFlavor(f.id()));
            LOG.info("deleted flavor {} ({})", f.name(), f.id());
        }
        StoreWriter.await(written, "the flavor is deleted and its removal is written when the store is back");
    }

    private FlavorRecord require(String idOrName) {
        FlavorRecord f = byId.get(idOrName);
        if (f == null) {
            f = byName.get(idOrName);
        }
        if (f == null) {
            throw ControllerException.notFound("flavor: no flavor with id or name '" + idOrName + "'");
        }
        return f;
    }
}
