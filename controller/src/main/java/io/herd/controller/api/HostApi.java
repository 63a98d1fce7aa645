package io.herd.controller.api;

import io.grpc.stub.StreamObserver;
import io.herd.api.v1.ApproveHostRequest;
import io.herd.api.v1.DrainHostRequest;
import io.herd.api.v1.DrainHostResponse;
import io.herd.api.v1.EvacuateHostRequest;
import io.herd.api.v1.EvacuateHostResponse;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListHostsResponse;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.controller.core.HostManager;
import io.herd.controller.core.Migrations;
import io.herd.controller.core.MoveReport;

/** herd.v1.HostService. */
public final class HostApi extends HostServiceGrpc.HostServiceImplBase {

    private final HostManager hosts;
    private final Migrations migrations;

    public HostApi(HostManager hosts, Migrations migrations) {
        this.hosts = hosts;
        this.migrations = migrations;
    }

    @Override
    public void listHosts(ListHostsRequest req, StreamObserver<ListHostsResponse> out) {
        Calls.unary(out, () -> ListHostsResponse.newBuilder()
                .addAllHosts(hosts.list().stream().map(ProtoMapper::host).toList())
                .build());
    }

    @Override
    public void getHost(GetHostRequest req, StreamObserver<Host> out) {
        Calls.unary(out, () -> ProtoMapper.host(hosts.get(Fields.name("id", req.getId()))));
    }

    @Override
    public void setHostSchedulable(SetHostSchedulableRequest req, StreamObserver<Host> out) {
        Calls.unary(out, () -> {
            String id = Fields.name("id", req.getId());
            String reason = req.getSchedulable() ? Fields.optional("reason", req.getReason())
                    : Fields.name("reason", req.getReason());
            return ProtoMapper.host(hosts.setSchedulable(id, req.getSchedulable(), reason));
        });
    }

    @Override
    public void evacuateHost(EvacuateHostRequest req, StreamObserver<EvacuateHostResponse> out) {
        Calls.unary(out, () -> {
            MoveReport r = hosts.evacuate(Fields.name("id", req.getId()));
            return EvacuateHostResponse.newBuilder().setHost(ProtoMapper.host(r.host()))
                    .addAllMoved(r.moved().stream().map(ProtoMapper::moved).toList())
                    .addAllLeft(r.left().stream().map(ProtoMapper::left).toList())
                    .build();
        });
    }

    @Override
    public void drainHost(DrainHostRequest req, StreamObserver<DrainHostResponse> out) {
        Calls.unary(out, () -> {
            String id = Fields.name("id", req.getId());
            MoveReport r = migrations.drain(id, Fields.name("reason", req.getReason()));
            return DrainHostResponse.newBuilder().setHost(ProtoMapper.host(r.host()))
                    .addAllMoved(r.moved().stream().map(ProtoMapper::moved).toList())
                    .addAllLeft(r.left().stream().map(ProtoMapper::left).toList())
                    .build();
        });
    }

    @Override
    public void approveHost(ApproveHostRequest req, StreamObserver<Host> out) {
        Calls.unary(out, () -> ProtoMapper.host(hosts.approve(Fields.name("id", req.getId()))));
    }
}
