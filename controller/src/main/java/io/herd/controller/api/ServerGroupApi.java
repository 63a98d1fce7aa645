package io.herd.controller.api;

import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupResponse;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServerGroupsResponse;
import io.herd.api.v1.OnHostFailure;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.controller.core.GroupManager;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Scope;

/** herd.v1.ServerGroupService. */
public final class ServerGroupApi extends ServerGroupServiceGrpc.ServerGroupServiceImplBase {

    private final GroupManager groups;

    public ServerGroupApi(GroupManager groups) {
        this.groups = groups;
    }

    @Override
    public void createServerGroup(CreateServerGroupRequest req, StreamObserver<ServerGroup> out) {
        Calls.unary(out, () -> {
            String name = Fields.name("name", req.getName());
            Policy policy = policy(req);
            Scope scope = scope(req);
            long max = Fields.unsigned(req.getMaxPerDomain());
            if (policy == Policy.ANTI_AFFINITY) {
                max = max == 0 ? 1 : Fields.range("max_per_domain", max, 1, Fields.MAX_PER_DOMAIN, "");
            } else if (max > 1) {
                throw Fields.invalid("max_per_domain", "only ANTI_AFFINITY takes a maximum per domain; "
                        + "leave it 0 for " + req.getPolicy());
            } else {
                max = 1;
            }
            return ProtoMapper.group(groups.create(name, policy, scope, (int) max, onHostFailure(req)));
        });
    }

    @Override
    public void getServerGroup(GetServerGroupRequest req, StreamObserver<ServerGroup> out) {
        Calls.unary(out, () -> ProtoMapper.group(groups.get(Fields.name("id", req.getId()))));
    }

    @Override
    public void listServerGroups(ListServerGroupsRequest req, StreamObserver<ListServerGroupsResponse> out) {
        Calls.unary(out, () -> ListServerGroupsResponse.newBuilder()
                .addAllServerGroups(groups.list().stream().map(ProtoMapper::group).toList())
                .build());
    }

    @Override
    public void deleteServerGroup(DeleteServerGroupRequest req, StreamObserver<DeleteServerGroupResponse> out) {
        Calls.unary(out, () -> {
            groups.delete(Fields.name("id", req.getId()));
            return DeleteServerGroupResponse.getDefaultInstance();
        });
    }

    private static Policy policy(CreateServerGroupRequest req) {
        return switch (req.getPolicyValue()) {
            case io.herd.api.v1.Policy.AFFINITY_VALUE -> Policy.AFFINITY;
            case io.herd.api.v1.Policy.ANTI_AFFINITY_VALUE -> Policy.ANTI_AFFINITY;
            case io.herd.api.v1.Policy.SOFT_AFFINITY_VALUE -> Policy.SOFT_AFFINITY;
            case io.herd.api.v1.Policy.SOFT_ANTI_AFFINITY_VALUE -> Policy.SOFT_ANTI_AFFINITY;
            case io.herd.api.v1.Policy.POLICY_UNSPECIFIED_VALUE -> throw Fields.invalid("policy",
                    "required: AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY or SOFT_ANTI_AFFINITY");
            default -> throw Fields.invalid("policy", "unknown value " + req.getPolicyValue()
                    + "; use AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY or SOFT_ANTI_AFFINITY");
        };
    }

    /** Null: the controller's default. */
    private static HostFailurePolicy onHostFailure(CreateServerGroupRequest req) {
        return switch (req.getOnHostFailureValue()) {
            case OnHostFailure.ON_HOST_FAILURE_UNSPECIFIED_VALUE -> null;
            case OnHostFailure.ON_HOST_FAILURE_NONE_VALUE -> HostFailurePolicy.NONE;
            case OnHostFailure.ON_HOST_FAILURE_EVACUATE_VALUE -> HostFailurePolicy.EVACUATE;
            default -> throw Fields.invalid("on_host_failure", "unknown value " + req.getOnHostFailureValue()
                    + "; use ON_HOST_FAILURE_NONE or ON_HOST_FAILURE_EVACUATE (or leave it unset for the "
                    + "controller's default)");
        };
    }

    private static Scope scope(CreateServerGroupRequest req) {
        return switch (req.getScopeValue()) {
            case io.herd.api.v1.Scope.SCOPE_UNSPECIFIED_VALUE, io.herd.api.v1.Scope.HOST_VALUE -> Scope.HOST;
            case io.herd.api.v1.Scope.RACK_VALUE -> Scope.RACK;
            case io.herd.api.v1.Scope.ZONE_VALUE -> Scope.ZONE;
            default -> throw Fields.invalid("scope", "unknown value " + req.getScopeValue()
                    + "; use HOST, RACK or ZONE");
        };
    }
}
