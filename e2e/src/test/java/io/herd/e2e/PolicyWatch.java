package io.herd.e2e;

import io.herd.api.v1.AgentServer;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Polls, from outside herd, which hypervisors run the members of an anti-affinity group (max
 * one per host), until closed: the test-driver hosts through their agents directly, a QEMU
 * host through virsh. Records every moment a host ran two members, or the controller called
 * the group non-compliant.
 */
final class PolicyWatch implements AutoCloseable {

    private final Cluster cluster;
    private final boolean oneCopy;
    private final String groupId;
    private final List<String> testHosts;
    private final String qemuHost;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    /** @param qemuHost the one host on qemu:///system, or null */
    PolicyWatch(Cluster cluster, String groupId, List<String> testHosts, String qemuHost) {
        this(cluster, groupId, testHosts, qemuHost, false);
    }

    /** @param oneCopy also record every moment a member ran on two hosts at once */
    PolicyWatch(Cluster cluster, String groupId, List<String> testHosts, String qemuHost, boolean oneCopy) {
        this.oneCopy = oneCopy;
        this.cluster = cluster;
        this.groupId = groupId;
        this.testHosts = testHosts;
        this.qemuHost = qemuHost;
        this.thread = new Thread(this::run, "policy-watch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    int polls() {
        return polls.get();
    }

    private void run() {
        while (!stop.get()) {
            try {
                pollOnce();
                polls.incrementAndGet();
            } catch (RuntimeException e) {
                // an agent being killed or restarted: the next poll sees it again
            }
        }
    }

    private void pollOnce() {
        Set<String> members = cluster.servers.listServers(ListServersRequest.newBuilder().setGroupId(groupId).build())
                .getServersList().stream().map(Server::getId).collect(Collectors.toSet());
        Map<String, Integer> runningPerHost = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        for (String host : testHosts) {
            for (AgentServer d : cluster.domainsOf(host)) {
                if (members.contains(d.getServerId()) && d.getState() == ServerState.SERVER_STATE_ACTIVE) {
                    runningPerHost.merge(host, 1, Integer::sum);
                    copies.merge(d.getServerId(), 1, Integer::sum);
                }
            }
        }
        if (qemuHost != null) {
            for (String name : Commands.running()) {
                if (name.startsWith("herd-") && members.contains(name.substring(5))) {
                    runningPerHost.merge(qemuHost, 1, Integer::sum);
                    copies.merge(name.substring(5), 1, Integer::sum);
                }
            }
        }
        if (oneCopy) {
            copies.forEach((id, n) -> {
                if (n > 1) {
                    violations.add("server " + id + " ran on " + n + " hosts at once");
                }
            });
        }
        runningPerHost.forEach((host, n) -> {
            if (n > 1) {
                violations.add(host + " ran " + n + " members at once");
            }
        });
        if (!cluster.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(groupId).build())
                .getCompliance().getCompliant()) {
            violations.add("the controller reported the group non-compliant");
        }
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
