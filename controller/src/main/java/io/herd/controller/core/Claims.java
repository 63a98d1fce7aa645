package io.herd.controller.core;

import io.herd.controller.model.ServerRecord;
import io.herd.controller.placement.Allocation;
import io.herd.controller.placement.PlacementEngine;
import io.herd.controller.placement.PlacementRequest;
import io.herd.controller.placement.PlacementResult;
import io.herd.controller.placement.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inventory's side of the placement engine: keeps the engine's claims and holds equal to
 * the server records (a server holds a claim on {@code hostId} and, while it leaves a host, a
 * hold on {@code previousHostId}), and places servers again when they must move. Used only
 * by {@link Inventory}, under its lock.
 */
final class Claims {

    private final PlacementEngine engine;
    private final CoreMetrics metrics;

    Claims(PlacementEngine engine, CoreMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    PlacementEngine engine() {
        return engine;
    }

    /** One decision of the engine, told to the metrics. */
    PlacementResult decide(PlacementRequest request) {
        long started = System.nanoTime();
        PlacementResult result = engine.place(request);
        metrics.placementDecided(result instanceof PlacementResult.Placed,
                result instanceof PlacementResult.Placed placed ? placed.allocations().size() : 0,
                result instanceof PlacementResult.NoValidHost none ? none.rejections() : Map.of(),
                System.nanoTime() - started);
        return result;
    }

    /** Makes the engine hold what the record says: a claim on its host, a hold on the host it leaves. */
    void sync(ServerRecord s) {
        String group = s.groupId().isEmpty() ? null : s.groupId();
        if (s.holdsClaim()) {
            Optional<Allocation> claim = engine.allocation(s.id());
            if (claim.isEmpty() || !claim.get().hostId().equals(s.hostId())) {
                engine.restore(new Allocation(s.id(), s.hostId(), group, s.resources()));
            }
        } else {
            engine.release(s.id());
        }
        if (s.leavingHost()) {
            Optional<String> hold = engine.holdHost(s.id());
            if (hold.isEmpty() || !hold.get().equals(s.previousHostId())) {
                engine.restoreHold(new Allocation(s.id(), s.previousHostId(), group, s.resources()));
            }
        } else {
            engine.releaseHold(s.id());
        }
    }

    /** Gives back everything the server holds. */
    void releaseAll(String serverId) {
        engine.release(serverId);
        engine.releaseHold(serverId);
    }

    /**
     * Places servers elsewhere. Each server's claim is released (or, with {@code holdOld},
     * turned into a hold that keeps its host's capacity and group slot), then the servers are
     * placed one by one under their group's rules, avoiding their current host and
     * {@code avoid}. All or nothing: if one finds no host, every claim is as before.
     *
     * @param onlyHost the one host allowed, or null
     * @return the new host of each server, in order; or why one of them found none
     */
    Result place(List<ServerRecord> servers, Set<String> avoid, String onlyHost, boolean holdOld) {
        for (ServerRecord s : servers) {
            if (holdOld) {
                engine.hold(s.id());
            } else {
                engine.release(s.id());
            }
        }
        List<String> placed = new ArrayList<>(servers.size());
        for (ServerRecord s : servers) {
            Set<String> excluded = new java.util.HashSet<>(avoid);
            excluded.add(s.hostId());
            PlacementResult result = decide(new PlacementRequest(List.of(s.id()), s.resources(),
                    s.groupId().isEmpty() ? null : s.groupId(), excluded, s.image(), onlyHost));
            if (result instanceof PlacementResult.NoValidHost none) {
                undo(servers, placed.size(), holdOld);
                return new Result(List.of(), servers.size() == 1 ? none.explanation()
                        : s.name() + ": " + none.explanation());
            }
            placed.add(((PlacementResult.Placed) result).allocations().get(0).hostId());
        }
        return new Result(placed, "");
    }

    /** Which host each server went to, or (hosts empty) why not. */
    record Result(List<String> hosts, String whyNot) {
        boolean placed() {
            return !hosts.isEmpty();
        }
    }

    private void undo(List<ServerRecord> servers, int placedCount, boolean holdOld) {
        for (int i = 0; i < placedCount; i++) {
            engine.release(servers.get(i).id());
        }
        for (ServerRecord s : servers) {
            if (holdOld) {
                engine.unhold(s.id());
            } else {
                engine.restore(new Allocation(s.id(), s.hostId(), s.groupId().isEmpty() ? null : s.groupId(),
                        s.resources()));
            }
        }
    }

    Resources allocated(String hostId) {
        return engine.allocated(hostId);
    }

    /**
     * Where the engine disagrees with the records: a claim or hold that is not where the
     * record says, or a host whose allocation is not the sum of its servers' claims and holds.
     */
    List<String> violations(java.util.Collection<ServerRecord> servers, java.util.Collection<String> hostIds) {
        List<String> out = new ArrayList<>();
        java.util.Map<String, Resources> expected = new java.util.HashMap<>();
        for (ServerRecord s : servers) {
            Optional<Allocation> claim = engine.allocation(s.id());
            if (s.holdsClaim() != claim.isPresent()
                    || claim.isPresent() && !claim.get().hostId().equals(s.hostId())) {
                out.add("server " + s.id() + " on '" + s.hostId() + "' has engine claim " + claim);
            }
            Optional<String> hold = engine.holdHost(s.id());
            if (!hold.orElse("").equals(s.previousHostId())) {
                out.add("server " + s.id() + " leaving '" + s.previousHostId() + "' has engine hold " + hold);
            }
            if (s.holdsClaim()) {
                expected.merge(s.hostId(), s.resources(), Resources::plus);
            }
            if (s.leavingHost()) {
                expected.merge(s.previousHostId(), s.resources(), Resources::plus);
            }
        }
        for (String h : hostIds) {
            Resources held = engine.allocated(h);
            if (!held.equals(expected.getOrDefault(h, Resources.ZERO))) {
                out.add("host " + h + " allocates " + held + " but its servers hold " + expected.get(h));
            }
        }
        return out;
    }
}
