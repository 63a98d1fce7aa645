package io.herd.agent.api;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.hypervisor.Hypervisor;
import io.herd.agent.hypervisor.HypervisorException;
import io.herd.agent.hypervisor.LaunchResult;
import io.herd.api.v1.AgentServiceGrpc;
import io.herd.api.v1.DeleteAgentServerRequest;
import io.herd.api.v1.DeleteAgentServerResponse;
import io.herd.api.v1.GetHostInfoRequest;
import io.herd.api.v1.HostInfo;
import io.herd.api.v1.LaunchServerRequest;
import io.herd.api.v1.LaunchServerResponse;
import io.herd.api.v1.ListAgentServersRequest;
import io.herd.api.v1.ListAgentServersResponse;
import io.herd.common.InvalidFieldException;
import io.herd.common.LaunchLimits;
import java.util.UUID;

/** herd.v1.AgentService: validate, call the hypervisor once, map the answer. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {

    private final Hypervisor hypervisor;
    private final HostReporter reporter;
    private final LaunchRequestValidator validator;

    public AgentServiceImpl(Hypervisor hypervisor, HostReporter reporter, LaunchLimits limits) {
        this.hypervisor = hypervisor;
        this.reporter = reporter;
        this.validator = new LaunchRequestValidator(limits);
    }

    @Override
    public void getHostInfo(GetHostInfoRequest request, StreamObserver<HostInfo> out) {
        try {
            reply(out, reporter.hostInfo());
        } catch (HypervisorException e) {
            out.onError(status(e));
        }
    }

    @Override
    public void launchServer(LaunchServerRequest request, StreamObserver<LaunchServerResponse> out) {
        try {
            DomainSpec spec = validator.validate(request);
            LaunchResult result = hypervisor.launch(spec);
            reply(out, LaunchServerResponse.newBuilder()
                    .setServer(ProtoMapper.server(result.domain()))
                    .setAlreadyExisted(result.alreadyExisted())
                    .build());
        } catch (InvalidFieldException e) {
            out.onError(invalid(e));
        } catch (HypervisorException e) {
            out.onError(status(e));
        }
    }

    @Override
    public void deleteServer(DeleteAgentServerRequest request, StreamObserver<DeleteAgentServerResponse> out) {
        try {
            UUID id = LaunchRequestValidator.serverId(request.getServerId());
            reply(out, DeleteAgentServerResponse.newBuilder().setExisted(hypervisor.delete(id)).build());
        } catch (InvalidFieldException e) {
            out.onError(invalid(e));
        } catch (HypervisorException e) {
            out.onError(status(e));
        }
    }

    @Override
    public void listServers(ListAgentServersRequest request, StreamObserver<ListAgentServersResponse> out) {
        try {
            ListAgentServersResponse.Builder response = ListAgentServersResponse.newBuilder();
            for (HerdDomain d : hypervisor.listDomains()) {
                response.addServers(ProtoMapper.server(d));
            }
            reply(out, response.build());
        } catch (HypervisorException e) {
            out.onError(status(e));
        }
    }

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }

    private static StatusException invalid(InvalidFieldException e) {
        return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }

    static StatusException status(HypervisorException e) {
        Status status;
        switch (e.kind()) {
            case NOT_FOUND:
                status = Status.NOT_FOUND;
                break;
            case CONFLICT:
                status = Status.ALREADY_EXISTS;
                break;
            case NOT_HERDS:
                status = Status.FAILED_PRECONDITION;
                break;
            case UNAVAILABLE:
                status = Status.UNAVAILABLE;
                break;
            default:
                // libvirt refused: the host cannot run it; the controller may try another host
                return Status.FAILED_PRECONDITION.withDescription("libvirt refused: " + e.getMessage())
                        .asException();
        }
        return status.withDescription(e.getMessage()).asException();
    }
}
