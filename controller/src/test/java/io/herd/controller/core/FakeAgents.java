package io.herd.controller.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Agents in memory: each address keeps the set of server ids it "runs". Launches can be made
 * to fail on chosen addresses, or to wait for a latch; so can deletes.
 */
public final class FakeAgents implements AgentPort {

    /** address → server ids running there. */
    public final Map<String, Set<String>> domains = new ConcurrentHashMap<>();
    /** Every launch call, as serverId@address, in order. */
    public final List<String> launches = new CopyOnWriteArrayList<>();
    public final List<String> deletes = new CopyOnWriteArrayList<>();
    public final Set<String> failingLaunches = ConcurrentHashMap.newKeySet();
    public final Set<String> failingDeletes = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> fenced = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger launchesAnswered =
            new java.util.concurrent.atomic.AtomicInteger();
    public volatile CountDownLatch launchGate;
    /** With a gate: deletes wait for it before answering. */
    public volatile CountDownLatch deleteGate;
    /** With a gate: create the domain first, then wait (a launch whose answer never comes back). */
    public volatile boolean domainBeforeGate;
    /** Addresses whose launches hang until their latch opens (a hung agent). */
    public final Map<String, CountDownLatch> hung = new ConcurrentHashMap<>();
    /** Addresses where a launch creates the domain, then its answer is lost (an unknown outcome). */
    public final Set<String> lostAnswers = ConcurrentHashMap.newKeySet();
    /** Every call in order, as "launch serverId@address" or "delete serverId@address". */
    public final List<String> calls = new CopyOnWriteArrayList<>();

    /** Every address the core asked to connect to ahead of a call, in order. */
    public final List<String> connects = new CopyOnWriteArrayList<>();

    @Override
    public void connect(String address) {
        connects.add(address);
    }

    @Override
    public void launch(String address, LaunchOrder order) throws AgentException {
        try {
            launchOnce(address, order);
        } finally {
            launchesAnswered.incrementAndGet();
        }
    }

    /** Launch calls that returned or threw. */
    public int launchesAnswered() {
        return launchesAnswered.get();
    }

    private void launchOnce(String address, LaunchOrder order) throws AgentException {
        launches.add(order.serverId() + "@" + address);
        calls.add("launch " + order.serverId() + "@" + address);
        fenced.put(order.serverId(), order.fence());
        pass(hung.get(address));
        if (domainBeforeGate) {
            domains.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(order.serverId());
        }
        pass(launchGate);
        if (failingLaunches.contains(address)) {
            throw new AgentException("INTERNAL: libvirt said no on " + address, true);
        }
        domains.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(order.serverId());
        if (lostAnswers.contains(address)) {
            throw new AgentException("DEADLINE_EXCEEDED: no answer from " + address, false);
        }
    }

    /** Whether the last launch of the server asked its agent to fence it when cut off. */
    public boolean fenced(String serverId) {
        return fenced.getOrDefault(serverId, false);
    }

    @Override
    public void delete(String address, String serverId) throws AgentException {
        pass(deleteGate);
        if (failingDeletes.contains(address)) {
            throw new AgentException("UNAVAILABLE: connection refused", false);
        }
        deletes.add(serverId + "@" + address);
        calls.add("delete " + serverId + "@" + address);
        Set<String> running = domains.get(address);
        if (running != null) {
            running.remove(serverId);
        }
    }

    public Set<String> on(String address) {
        return domains.getOrDefault(address, Set.of());
    }

    public long launchesOf(String serverId) {
        return launches.stream().filter(l -> l.startsWith(serverId + "@")).count();
    }

    /** Waits until a test opens the gate, if one is set; a gate that never opens is a timeout. */
    private static void pass(CountDownLatch gate) throws AgentException {
        if (gate == null) {
            return;
        }
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new AgentException("DEADLINE_EXCEEDED: test gate never opened", false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted", false);
        }
    }
}
