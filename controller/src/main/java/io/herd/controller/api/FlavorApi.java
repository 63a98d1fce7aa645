package io.herd.controller.api;

import io.grpc.stub.StreamObserver;
import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.DeleteFlavorResponse;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.FlavorServiceGrpc;
import io.herd.api.v1.GetFlavorRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListFlavorsResponse;
import io.herd.common.LaunchLimits;
import io.herd.common.LaunchRules;
import io.herd.controller.core.FlavorManager;

/** herd.v1.FlavorService. */
public final class FlavorApi extends FlavorServiceGrpc.FlavorServiceImplBase {

    private final FlavorManager flavors;

    public FlavorApi(FlavorManager flavors) {
        this.flavors = flavors;
    }

    @Override
    public void createFlavor(CreateFlavorRequest req, StreamObserver<Flavor> out) {
        Calls.unary(out, () -> {
            String name = Fields.name("name", req.getName());
            long vcpus = Fields.unsigned(req.getVcpus());
            // the bounds of a server's size, with a disk that may be 0 whatever the image
            LaunchRules.flavorSize(vcpus, req.getMemoryMib(), req.getDiskGib(), LaunchLimits.API);
            String id = Fields.optionalId("id", req.getId());
            return ProtoMapper.flavor(flavors.create(id, name, (int) vcpus, req.getMemoryMib(), req.getDiskGib()));
        });
    }

    @Override
    public void getFlavor(GetFlavorRequest req, StreamObserver<Flavor> out) {
        Calls.unary(out, () -> ProtoMapper.flavor(flavors.get(Fields.name("id", req.getId()))));
    }

    @Override
    public void listFlavors(ListFlavorsRequest req, StreamObserver<ListFlavorsResponse> out) {
        Calls.unary(out, () -> ListFlavorsResponse.newBuilder()
                .addAllFlavors(flavors.list().stream().map(ProtoMapper::flavor).toList())
                .build());
    }

    @Override
    public void deleteFlavor(DeleteFlavorRequest req, StreamObserver<DeleteFlavorResponse> out) {
        Calls.unary(out, () -> {
            flavors.delete(Fields.name("id", req.getId()));
            return DeleteFlavorResponse.getDefaultInstance();
        });
    }
}
