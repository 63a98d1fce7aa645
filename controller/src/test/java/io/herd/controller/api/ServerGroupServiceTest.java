package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Scope;
import io.herd.api.v1.ServerGroup;
import io.herd.controller.core.CoreSettings;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerGroupServiceTest {

    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(dir, new CoreSettings(Harness.HEARTBEAT, 3, 0, 2));
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void createsAGroupWithDefaultsAndFindsItByIdAndName() {
        ServerGroup g = h.groups.createServerGroup(CreateServerGroupRequest.newBuilder().setName("web")
                .setPolicy(Policy.ANTI_AFFINITY).build());
        assertThat(g.getId()).isNotBlank();
        assertThat(g.getScope()).isEqualTo(Scope.HOST);
        assertThat(g.getMaxPerDomain()).isEqualTo(1);
        assertThat(g.getCompliance().getCompliant()).isTrue();
        assertThat(g.getCreatedAt().getSeconds()).isPositive();
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId(g.getId()).build())).isEqualTo(g);
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build())).isEqualTo(g);
        assertThat(h.groups.listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsList())
                .containsExactly(g);
    }

    @Test
    void keepsScopeAndMaxPerDomain() {
        ServerGroup g = h.group("db", Policy.ANTI_AFFINITY, Scope.RACK, 2);
        assertThat(g.getScope()).isEqualTo(Scope.RACK);
        assertThat(g.getMaxPerDomain()).isEqualTo(2);
        ServerGroup soft = h.group("cache", Policy.SOFT_AFFINITY, Scope.ZONE, 0);
        assertThat(soft.getMaxPerDomain()).isEqualTo(1);
        assertThat(soft.getPolicy()).isEqualTo(Policy.SOFT_AFFINITY);
    }

    @Test
    void groupsSurviveARestart() throws Exception {
        ServerGroup g = h.group("web", Policy.AFFINITY, Scope.ZONE, 0);
        h.restart();
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("web").build())).isEqualTo(g);
    }

    @Test
    void deletesAnEmptyGroupAndRefusesOneWithMembers() {
        h.heartbeat("h1");
        ServerGroup empty = h.group("empty", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        h.groups.deleteServerGroup(DeleteServerGroupRequest.newBuilder().setId("empty").build());
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.groups.getServerGroup(
                GetServerGroupRequest.newBuilder().setId(empty.getId()).build()));

        ServerGroup full = h.group("full", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        h.create("a", full.getId(), 1);
        assertCode(Status.Code.FAILED_PRECONDITION, "delete its servers first", () -> h.groups.deleteServerGroup(
                DeleteServerGroupRequest.newBuilder().setId(full.getId()).build()));
        assertThat(h.groups.getServerGroup(GetServerGroupRequest.newBuilder().setId("full").build())
                .getMemberIdsCount()).isEqualTo(1);
    }

    @Test
    void refusesADuplicateName() {
        h.group("web", Policy.ANTI_AFFINITY, Scope.HOST, 0);
        assertCode(Status.Code.ALREADY_EXISTS, "name", () -> h.group("web", Policy.AFFINITY, Scope.HOST, 0));
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void enforcesTheGroupQuota() {
        h.group("a", Policy.AFFINITY, Scope.HOST, 0);
        h.group("b", Policy.AFFINITY, Scope.HOST, 0);
        h.group("c", Policy.AFFINITY, Scope.HOST, 0);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, "quotas.max_groups",
                () -> h.group("d", Policy.AFFINITY, Scope.HOST, 0));
        assertThat(count()).isEqualTo(3);
    }

    @Test
    void unknownGroupsAreNotFound() {
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.groups.getServerGroup(
                GetServerGroupRequest.newBuilder().setId("nope").build()));
        assertCode(Status.Code.NOT_FOUND, "id", () -> h.groups.deleteServerGroup(
                DeleteServerGroupRequest.newBuilder().setId("nope").build()));
    }

    @Test
    void validatesEveryField() {
        invalid("name", b -> b.setName(""));
        invalid("name", b -> b.setName("x".repeat(256)));
        invalid("name", b -> b.setName("bad\nname"));
        invalid("name", b -> b.setName("nul\u0000"));
        invalid("policy", b -> b.setPolicy(Policy.POLICY_UNSPECIFIED));
        invalid("policy", b -> b.setPolicyValue(17));
        invalid("scope", b -> b.setScopeValue(9));
        invalid("max_per_domain", b -> b.setPolicy(Policy.AFFINITY).setMaxPerDomain(2));
        invalid("max_per_domain", b -> b.setMaxPerDomain(1001));
        invalid("max_per_domain", b -> b.setMaxPerDomain(-1));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.groups.getServerGroup(
                GetServerGroupRequest.getDefaultInstance()));
        assertCode(Status.Code.INVALID_ARGUMENT, "id", () -> h.groups.deleteServerGroup(
                DeleteServerGroupRequest.getDefaultInstance()));
        assertThat(count()).isZero();
        // 255 printable characters, any script, are fine
        assertThat(h.group("é".repeat(255), Policy.AFFINITY, Scope.HOST, 0).getName()).hasSize(255);
    }

    private void invalid(String field, Consumer<CreateServerGroupRequest.Builder> change) {
        CreateServerGroupRequest.Builder b = CreateServerGroupRequest.newBuilder().setName("g")
                .setPolicy(Policy.ANTI_AFFINITY);
        change.accept(b);
        assertCode(Status.Code.INVALID_ARGUMENT, field + ":", () -> h.groups.createServerGroup(b.build()));
    }

    private int count() {
        return h.groups.listServerGroups(ListServerGroupsRequest.getDefaultInstance()).getServerGroupsCount();
    }

    static void assertCode(Status.Code code, String inMessage, ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).contains(inMessage);
                });
    }
}
