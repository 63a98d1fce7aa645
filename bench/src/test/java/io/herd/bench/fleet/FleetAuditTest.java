package io.herd.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit catches each broken promise it is there to catch, and passes a sound fleet. */
class FleetAuditTest {

    // 4 hosts, 2 per rack: fleet000000 and fleet000001 share rack00000
    private final Fleet fleet = new Fleet(new Fleet.Settings(4, "127.0.0.1:1", 1, Duration.ofSeconds(5), 1,
            Duration.ZERO, 2, 1));

    @Test
    void aSoundFleetPasses() {
        run(0, "a");
        run(2, "b");
        FleetAudit.Result r = FleetAudit.check(fleet, List.of(active("a", 0), active("b", 2)),
                List.of(group(Policy.ANTI_AFFINITY, Scope.RACK, "a", "b")));
        assertThat(r.clean()).isTrue();
        assertThat(r.active()).isEqualTo(2);
        assertThat(r.hardViolations()).isZero();
    }

    @Test
    void aServerActiveOnAHostThatDoesNotRunItIsCaught() {
        run(1, "a");
        FleetAudit.Result r = FleetAudit.check(fleet, List.of(active("a", 0)), List.of());
        assertThat(r.notRunning()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aServerRunningOnTwoHostsIsCaught() {
        run(0, "a");
        run(3, "a");
        FleetAudit.Result r = FleetAudit.check(fleet, List.of(active("a", 0)), List.of());
        assertThat(r.runningTwice()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void brokenHardPoliciesAreCaughtInTheHostsOwnLabels() {
        run(0, "a");
        run(1, "b");
        run(2, "c");
        List<Server> servers = List.of(active("a", 0), active("b", 1), active("c", 2));
        // a and b are on two hosts of one rack: fine by host, broken by rack
        assertThat(FleetAudit.check(fleet, servers, List.of(group(Policy.ANTI_AFFINITY, Scope.HOST, "a", "b")))
                .hardViolations()).isZero();
        assertThat(FleetAudit.check(fleet, servers, List.of(group(Policy.ANTI_AFFINITY, Scope.RACK, "a", "b")))
                .hardViolations()).isEqualTo(1);
        assertThat(FleetAudit.check(fleet, servers, List.of(group(Policy.AFFINITY, Scope.RACK, "a", "b")))
                .hardViolations()).isZero();
        assertThat(FleetAudit.check(fleet, servers, List.of(group(Policy.AFFINITY, Scope.RACK, "a", "c")))
                .hardViolations()).isEqualTo(1);
        // soft policies are preferences: never counted
        assertThat(FleetAudit.check(fleet, servers, List.of(group(Policy.SOFT_AFFINITY, Scope.HOST, "a", "c")))
                .hardViolations()).isZero();
    }

    private void run(int host, String serverId) {
        fleet.host(host).launch(LaunchServerRequest.newBuilder().setServerId(serverId).setName(serverId)
                .setVcpus(1).setMemoryMib(512).build());
    }

    private Server active(String id, int host) {
        return Server.newBuilder().setId(id).setHostName(fleet.host(host).name())
                .setState(ServerState.SERVER_STATE_ACTIVE).build();
    }

    private static ServerGroup group(Policy policy, Scope scope, String... members) {
        return ServerGroup.newBuilder().setId("g").setName("g").setPolicy(policy).setScope(scope)
                .setMaxPerDomain(1).addAllMemberIds(List.of(members)).build();
    }
}
