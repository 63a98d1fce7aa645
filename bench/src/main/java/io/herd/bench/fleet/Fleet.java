package io.herd.bench.fleet;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.AgentRegistryGrpc;
import io.herd.api.v1.HeartbeatRequest;
import io.herd.api.v1.HeartbeatResponse;
import io.herd.api.v1.HostCapacity;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of simulated hypervisors in one process, speaking the agents' protocols to one
 * real controller: each registers and heartbeats through AgentRegistry (one heartbeat in
 * flight per host, as an agent sends them, spread evenly over the interval), and serves
 * AgentService with in-memory domains at a loopback address of its own.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    /**
     * What the fleet looks like and where it reports.
     *
     * @param hosts        how many hosts
     * @param controller   the controller's gRPC address (host:port)
     * @param agentPort    the port every host serves AgentService on, at its own address
     * @param interval     how often each host heartbeats
     * @param channels     connections the heartbeats share
     * @param launchDelay  how long a launch takes before the domain runs
     * @param hostsPerRack hosts per rack label; racks are spread over {@code zones} zones
     * @param zones        zone labels
     */
    public record Settings(int hosts, String controller, int agentPort, Duration interval, int channels,
                           Duration launchDelay, int hostsPerRack, int zones) {

        public Settings {
            if (hosts < 1 || hosts > FleetAddresses.MAX_HOSTS) {
                throw new IllegalArgumentException("hosts must be between 1 and " + FleetAddresses.MAX_HOSTS);
            }
            if (channels < 1 || hostsPerRack < 1 || zones < 1 || interval.toMillis() < 1) {
                throw new IllegalArgumentException("channels, hosts per rack, zones and interval must be positive");
            }
        }
    }

    /** The capacity every simulated host reports: 64 CPUs, 256 GiB, 2 TB, CPU ratio 4. */
    static final HostCapacity CAPACITY = HostCapacity.newBuilder()
            .setCpus(64).setMemoryMib(256 * 1024).setDiskFreeGib(2000).setDiskTotalGib(2000)
            .setCpuAllocationRatio(4.0).setRamAllocationRatio(1.0).build();

    private final Settings settings;
    private final SimulatedHost[] hosts;
    private final AtomicIntegerArray inFlight;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "fleet-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<AgentRegistryGrpc.AgentRegistryStub> registries = new ArrayList<>();
    private final FleetAgentService agentService;
    private Server server;

    private final Samples heartbeatLatency = new Samples();
    final LongAdder heartbeatsSent = new LongAdder();
    final LongAdder heartbeatsFailed = new LongAdder();
    /** Heartbeats not sent on time because the host's previous one was still unanswered. */
    final LongAdder heartbeatsLate = new LongAdder();
    final LongAdder destroyed = new LongAdder();

    /** Why the fleet stopped heartbeating, or null while it heartbeats. */
    private volatile Throwable stopped;

    // the ticker's position: the next host to heartbeat, in which round
    private int cursor;
    private long round;
    private long startedNanos;

    public Fleet(Settings settings) {
        this.settings = settings;
        this.hosts = new SimulatedHost[settings.hosts()];
        int racks = (settings.hosts() + settings.hostsPerRack() - 1) / settings.hostsPerRack();
        for (int i = 0; i < hosts.length; i++) {
            int rack = i / settings.hostsPerRack();
            // whole racks per zone, as a datacenter is laid out
            int zone = (int) ((long) rack * settings.zones() / racks);
            hosts[i] = new SimulatedHost(i, String.format("rack%05d", rack), "zone" + (zone + 1),
                    FleetAddresses.of(i) + ":" + settings.agentPort(), CAPACITY);
        }
        this.inFlight = new AtomicIntegerArray(hosts.length);
        this.agentService = new FleetAgentService(this, settings.launchDelay(), timer);
    }

    /** Serves AgentService and starts heartbeating. */
    public Fleet start() throws IOException {
        server = Grpc.newServerBuilderForPort(settings.agentPort(), InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(agentService, agentService.hostByAddress()))
                .directExecutor()
                .build()
                .start();
        for (int i = 0; i < settings.channels(); i++) {
            ManagedChannel channel = Grpc.newChannelBuilder(settings.controller(), InsecureChannelCredentials.create())
                    .directExecutor().build();
            channels.add(channel);
            registries.add(AgentRegistryGrpc.newStub(channel));
        }
        startedNanos = System.nanoTime();
        timer.scheduleAtFixedRate(this::tick, 0, 5, TimeUnit.MILLISECONDS);
        LOG.info("{} simulated hosts heartbeat to {} every {} ms; AgentService on port {} at 127.1.0.0 and up",
                hosts.length, settings.controller(), settings.interval().toMillis(), settings.agentPort());
        return this;
    }

    /** Sends every heartbeat that is due: host i's falls i/N of the way into each interval. */
    private void tick() {
        try {
            long now = System.nanoTime();
            long interval = settings.interval().toNanos();
            while (startedNanos + round * interval + cursor * interval / hosts.length <= now) {
                heartbeat(cursor);
                if (++cursor == hosts.length) {
                    cursor = 0;
                    round++;
                }
            }
        } catch (RuntimeException e) {
            // the timer would stop for good: the fleet would fall silent and every host go DOWN
            LOG.error("heartbeat tick failed; ticking on", e);
        } catch (Error e) {
            // the timer stops for good: the benchmark reads this and fails rather than report a silent fleet
            stopped = e;
            LOG.error("heartbeat tick failed: the fleet stops heartbeating and its hosts will go DOWN", e);
            throw e;
        }
    }

    private void heartbeat(int index) {
        if (!inFlight.compareAndSet(index, 0, 1)) {
            heartbeatsLate.increment();
            return;
        }
        SimulatedHost host = hosts[index];
        HeartbeatRequest req = host.heartbeat(round == 0 ? "start" : "interval");
        long sent = System.nanoTime();
        heartbeatsSent.increment();
        registries.get(index % registries.size())
                .withDeadlineAfter(settings.interval().toMillis(), TimeUnit.MILLISECONDS)
                .heartbeat(req, new StreamObserver<>() {
                    @Override
                    public void onNext(HeartbeatResponse r) {
                        heartbeatLatency.add(System.nanoTime() - sent);
                        for (String id : r.getDestroyServerIdsList()) {
                            if (host.delete(id)) {
                                destroyed.increment();
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        inFlight.set(index, 0);
                        heartbeatsFailed.increment();
                        if (heartbeatsFailed.sum() <= 10) {
                            LOG.warn("heartbeat of {} failed: {}", host.name(), t.toString());
                        }
                    }

                    @Override
                    public void onCompleted() {
                        inFlight.set(index, 0);
                    }
                });
    }

    /** The host serving at {@code address}, or null. */
    SimulatedHost hostAt(InetAddress address) {
        int index = FleetAddresses.indexOf(address);
        return index >= 0 && index < hosts.length ? hosts[index] : null;
    }

    SimulatedHost host(int index) {
        return hosts[index];
    }

    int size() {
        return hosts.length;
    }

    /** The heartbeats' round-trip times since the last call. */
    Samples.Window takeHeartbeatLatencies() {
        return heartbeatLatency.take();
    }

    /** Why the fleet stopped heartbeating before it was closed, or null. */
    Throwable stoppedBy() {
        return stopped;
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        for (ManagedChannel c : channels) {
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
