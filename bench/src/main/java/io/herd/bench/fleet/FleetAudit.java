package io.herd.bench.fleet;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the controller's word against what the simulated hosts run, with arithmetic of its
 * own: every ACTIVE server runs on the host the controller names, no server runs on two
 * hosts, and no group's hard policy is broken in the hosts' own rack and zone labels.
 */
final class FleetAudit {

    /** What the audit found. */
    record Result(int servers, int active, int building, int error, int notRunning, int runningTwice,
                  int orphans, int hardViolations, List<String> examples) {

        boolean clean() {
            return notRunning == 0 && runningTwice == 0 && hardViolations == 0 && building == 0;
        }
    }

    private FleetAudit() {
    }

    static Result check(Fleet fleet, List<Server> servers, List<ServerGroup> groups) {
        List<String> examples = new ArrayList<>();
        Map<String, SimulatedHost> byName = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        for (int i = 0; i < fleet.size(); i++) {
            SimulatedHost h = fleet.host(i);
            byName.put(h.name(), h);
            for (AgentServer d : h.domains()) {
                copies.merge(d.getServerId(), 1, Integer::sum);
            }
        }
        Map<String, Server> byId = new HashMap<>();
        int active = 0;
        int building = 0;
        int error = 0;
        int notRunning = 0;
        for (Server s : servers) {
            byId.put(s.getId(), s);
            if (s.getState() == ServerState.SERVER_STATE_ACTIVE) {
                active++;
                SimulatedHost h = byName.get(s.getHostName());
                if (h == null || !h.runs(s.getId())) {
                    notRunning++;
                    note(examples, "server " + s.getId() + " is ACTIVE on " + s.getHostName()
                            + ", which does not run it");
                }
            } else if (s.getState() == ServerState.SERVER_STATE_BUILDING) {
                building++;
            } else if (s.getState() == ServerState.SERVER_STATE_ERROR) {
                error++;
            }
        }
        int twice = 0;
        int orphans = 0;
        for (Map.Entry<String, Integer> e : copies.entrySet()) {
            if (e.getValue() > 1) {
                twice++;
                note(examples, "server " + e.getKey() + " runs on " + e.getValue() + " hosts");
            }
            if (!byId.containsKey(e.getKey())) {
                orphans++;
            }
        }
        int violations = 0;
        for (ServerGroup g : groups) {
            if (g.getPolicy() != Policy.AFFINITY && g.getPolicy() != Policy.ANTI_AFFINITY) {
                continue;
            }
            Map<String, Integer> perDomain = new HashMap<>();
            for (String member : g.getMemberIdsList()) {
                Server s = byId.get(member);
                SimulatedHost h = s == null ? null : byName.get(s.getHostName());
                if (h != null) {
                    perDomain.merge(domain(h, g.getScope()), 1, Integer::sum);
                }
            }
            int max = Math.max(1, g.getMaxPerDomain());
            boolean broken = g.getPolicy() == Policy.AFFINITY ? perDomain.size() > 1
                    : perDomain.values().stream().anyMatch(n -> n > max);
            if (broken) {
                violations++;
                note(examples, "group " + g.getName() + " (" + g.getPolicy() + ", " + g.getScope() + ") spans "
                        + perDomain);
            }
        }
        return new Result(servers.size(), active, building, error, notRunning, twice, orphans, violations, examples);
    }

    private static String domain(SimulatedHost h, Scope scope) {
        return switch (scope) {
            case RACK -> h.rack();
            case ZONE -> h.zone();
            default -> h.name();
        };
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) {
            examples.add(example);
        }
    }
}
