package io.herd.controller.core;

import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import io.herd.controller.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store at start and repairs what a lost background write (or an older version)
 * can leave behind, so that a start never fails on a row that should be there and is not:
 * a server on a host with no row gets a placeholder host (DOWN until its agent heartbeats);
 * a server of a group with no row loses its group; a server with no host in a state that
 * needs one goes to ERROR, or is gone if it was being deleted. Each repair is logged and
 * written back.
 */
final class StoreLoader {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLoader.class);

    private StoreLoader() {
    }

    /** What the store holds, repaired, and the writes that record the repairs. */
    record Loaded(List<HostRecord> hosts, List<GroupRecord> groups, List<ServerRecord> servers,
                  Map<String, List<String>> requests, Map<String, List<HistoryEntry>> history,
                  List<FlavorRecord> flavors, List<Mutation> repairs) {
    }

    static Loaded load(Store store, Instant now) {
        long started = System.nanoTime();
        // the large tables are read side by side (a shared store reads each on a connection of its own)
        ExecutorService readers = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "store-load");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<List<ServerRecord>> servers = readers.submit(store::loadServers);
            Future<Map<String, List<HistoryEntry>>> history = readers.submit(store::loadHistory);
            Future<Map<String, List<String>>> requests = readers.submit(store::loadRequests);
            List<HostRecord> hosts = store.loadHosts();
            List<GroupRecord> groups = store.loadGroups();
            List<FlavorRecord> flavors = store.loadFlavors();
            return repair(hosts, groups, result(servers), result(requests), result(history), flavors, now,
                    started);
        } finally {
            readers.shutdownNow();
        }
    }

    private static <T> T result(Future<T> read) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("store: interrupted while loading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                // out of memory while reading: not a store failure to retry, the program must stop
                throw error;
            }
            throw new StoreException("store: cannot load: " + e.getCause(), e.getCause());
        }
    }

    private static Loaded repair(List<HostRecord> loadedHosts, List<GroupRecord> loadedGroups,
                                 List<ServerRecord> loadedServers, Map<String, List<String>> requests,
                                 Map<String, List<HistoryEntry>> history, List<FlavorRecord> flavors, Instant now,
                                 long started) {
        Map<String, HostRecord> hosts = new LinkedHashMap<>();
        for (HostRecord h : loadedHosts) {
            // every host starts DOWN: it is up again with its first heartbeat
            hosts.put(h.id(), h.withUp(false, now));
        }
        Map<String, GroupRecord> groups = new LinkedHashMap<>();
        for (GroupRecord g : loadedGroups) {
            groups.put(g.id(), g);
        }
        List<Mutation> repairs = new ArrayList<>();
        List<ServerRecord> servers = new ArrayList<>();
        List<ServerRecord> changed = new ArrayList<>();
        for (ServerRecord loaded : loadedServers) {
            ServerRecord s = loaded;
            for (String hostId : List.of(s.hostId(), s.previousHostId())) {
                if (!hostId.isEmpty() && !hosts.containsKey(hostId)) {
                    HostRecord placeholder = HostRecord.placeholder(hostId).withUp(false, now);
                    hosts.put(hostId, placeholder);
                    repairs.add(new Mutation.UpsertHost(placeholder));
                    LOG.warn("repaired: server {} is on host {}, which the store did not have; added it as a host "
                            + "that is DOWN until its agent heartbeats", s.id(), hostId);
                }
            }
            if (!s.groupId().isEmpty() && !groups.containsKey(s.groupId())) {
                LOG.warn("repaired: server {} belonged to group {}, which the store does not have; the server "
                        + "now has no group", s.id(), s.groupId());
                s = s.withoutGroup();
            }
            if (!s.holdsClaim() && needsHost(s.status())) {
                if (s.status() == ServerStatus.DELETING) {
                    LOG.warn("repaired: server {} was being deleted and holds no host: it is gone", s.id());
                    repairs.add(new Mutation.DeleteServer(s.id()));
                    continue;
                }
                LOG.warn("repaired: server {} was {} without a host: now ERROR", s.id(), s.status());
                s = s.withHost("", ServerStatus.ERROR, "the controller found no host for it at start", now);
            }
            if (!s.equals(loaded)) {
                changed.add(s);
            }
            servers.add(s);
        }
        if (!changed.isEmpty()) {
            repairs.add(new Mutation.UpdateServers(changed));
        }
        LOG.info("loaded {} hosts, {} server groups, {} servers, {} flavors and {} request ids from the store in {} "
                + "ms{}", hosts.size(), groups.size(), servers.size(), flavors.size(), requests.size(),
                (System.nanoTime() - started) / 1_000_000,
                repairs.isEmpty() ? "" : "; " + repairs.size() + " repair(s) written back");
        return new Loaded(List.copyOf(hosts.values()), List.copyOf(groups.values()), servers, requests, history,
                List.copyOf(flavors), repairs);
    }

    private static boolean needsHost(ServerStatus status) {
        return status != ServerStatus.ERROR;
    }
}
