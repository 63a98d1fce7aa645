package io.herd.controller.api;

import io.grpc.stub.StreamObserver;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListHostsResponse;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.controller.core.HostManager;

/** herd.v1.HostService. */
public final class HostApi extends HostServiceGrpc.HostServiceImplBase {

    private final HostManager hosts;

    public HostApi(HostManager hosts) {
        this.hosts = hosts;
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
}
