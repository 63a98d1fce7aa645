package io.herd.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small workloads in the WORKLOAD.md shape, built in code for the tests. */
final class TinyWorkloads {
    private TinyWorkloads() {
    }

    /** Hosts in racks of 4 and 2 zones; groups of every policy, some at rack scope, some with a limit of 2. */
    static Map<String, Object> mixed(int hosts, int requests, long seed) {
        Random random = new Random(seed);
        List<Map<String, Object>> hostList = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            hostList.add(Map.of("name", "h" + i, "vcpus", 8, "memory_mib", 16384, "disk_gib", 200,
                    "rack", "r" + i / 4, "zone", "z" + (i / 4) % 2));
        }
        String[] policies = {"anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"};
        List<Map<String, Object>> groups = new ArrayList<>();
        List<Map<String, Object>> requestList = new ArrayList<>();
        for (int g = 0; requestList.size() < requests; g++) {
            String groupName = null;
            if (g % 5 != 4) {
                groupName = "g" + g;
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("name", groupName);
                group.put("policy", policies[random.nextInt(policies.length)]);
                if (random.nextInt(3) == 0) {
                    group.put("scope", "rack");
                }
                if (random.nextInt(3) == 0) {
                    group.put("max_server_per_host", 2);
                }
                groups.add(group);
            }
            int size = 1 + random.nextInt(6);
            for (int m = 0; m < size && requestList.size() < requests; m++) {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("name", "s" + requestList.size());
                request.put("vcpus", 1 + random.nextInt(4));
                request.put("memory_mib", 1024 * (1 + random.nextInt(4)));
                request.put("disk_gib", 10);
                request.put("group", groupName);
                requestList.add(request);
            }
        }
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("name", "tiny");
        workload.put("cpu_allocation_ratio", 2.0);
        workload.put("ram_allocation_ratio", 1.0);
        workload.put("hosts", hostList);
        workload.put("groups", groups);
        workload.put("requests", requestList);
        return workload;
    }
}
