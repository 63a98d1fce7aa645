package io.herd.cli;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.herd.api.v1.Acceleration;
import io.herd.api.v1.Compliance;
import io.herd.api.v1.CreateServerGroupRequest;
import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerGroupRequest;
import io.herd.api.v1.DeleteServerGroupResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.GetHostRequest;
import io.herd.api.v1.GetServerGroupRequest;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.Host;
import io.herd.api.v1.HostCapacity;
import io.herd.api.v1.HostServiceGrpc;
import io.herd.api.v1.Labels;
import io.herd.api.v1.ListHostsRequest;
import io.herd.api.v1.ListHostsResponse;
import io.herd.api.v1.ListServerGroupsRequest;
import io.herd.api.v1.ListServerGroupsResponse;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.ListServersResponse;
import io.herd.api.v1.Policy;
import io.herd.api.v1.Resources;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerGroup;
import io.herd.api.v1.ServerGroupServiceGrpc;
import io.herd.api.v1.ServerServiceGrpc;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.SetHostSchedulableRequest;
import io.herd.api.v1.WatchServersRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A small stand-in for the controller's public API: three hosts, groups and servers kept in
 * maps, an anti-affinity group limited to one member per host, and launches that end ACTIVE
 * (or ERROR for servers whose name contains "doomed"; never, for "stuck"). Enough to drive every herdctl command.
 */
final class FakeController {
  static final String NO_VALID_HOST =
      "no valid host for 1 server(s) in group web (anti-affinity, scope host): 3 hosts considered\n"
          + "  AntiAffinityFilter: 3 hosts already hold a member of web (max 1 per host)\n"
          + "  RamFilter: 0 hosts lack memory";

  final Map<String, ServerGroup> groups = new LinkedHashMap<>();
  final Map<String, Server> servers = new LinkedHashMap<>();
  final Map<String, Host> hosts = new LinkedHashMap<>();
  final Map<String, List<Server>> requests = new LinkedHashMap<>();
  /** Every DeleteServer request received, in order. */
  final List<DeleteServerRequest> deleteRequests = new CopyOnWriteArrayList<>();
  /** Counts down when a watch stream is cancelled by its client. */
  final CountDownLatch watchCancelled = new CountDownLatch(1);
  /** Whether WatchServers completes after its events (the watch command's end) or stays open. */
  volatile boolean completeWatch;
  private int nextId = 1;

  FakeController() {
    for (int i = 1; i <= 3; i++) {
      Host host =
          Host.newBuilder()
              .setId(id())
              .setName("hv-" + i)
              .setLabels(Labels.newBuilder().setRack("rack-" + i).setZone("zone-a"))
              .setUp(true)
              .setSchedulable(true)
              .setCapacity(
                  HostCapacity.newBuilder().setCpus(16).setMemoryMib(65536).setDiskFreeGib(900)
                      .setDiskTotalGib(1000).setReservedCpus(2).setReservedMemoryMib(4096)
                      .setCpuAllocationRatio(4.0).setRamAllocationRatio(1.0))
              .setAllocatable(Resources.newBuilder().setVcpus(62).setMemoryMib(61440).setDiskGib(900))
              .setAcceleration(Acceleration.ACCELERATION_KVM)
              .setAgentAddress("10.0.0." + i + ":7701")
              .setAgentVersion("0.1.0")
              .build();
      hosts.put(host.getId(), host);
    }
  }

  private synchronized String id() {
    return String.format("00000000-0000-4000-8000-%012d", nextId++);
  }

  synchronized ServerGroup group(String idOrName) {
    for (ServerGroup group : groups.values()) {
      if (group.getId().equals(idOrName) || group.getName().equals(idOrName)) {
        return group;
      }
    }
    throw Status.NOT_FOUND.withDescription("server group " + idOrName + " does not exist").asRuntimeException();
  }

  synchronized Host host(String idOrName) {
    for (Host host : hosts.values()) {
      if (host.getId().equals(idOrName) || host.getName().equals(idOrName)) {
        return host;
      }
    }
    throw Status.NOT_FOUND.withDescription("host " + idOrName + " does not exist").asRuntimeException();
  }

  synchronized Server server(String id) {
    Server server = servers.get(id);
    if (server == null) {
      throw Status.NOT_FOUND.withDescription("server " + id + " does not exist").asRuntimeException();
    }
    return server;
  }

  ServerGroupServiceGrpc.ServerGroupServiceImplBase groupService() {
    return new ServerGroupServiceGrpc.ServerGroupServiceImplBase() {
      @Override
      public void createServerGroup(CreateServerGroupRequest request, StreamObserver<ServerGroup> response) {
        synchronized (FakeController.this) {
          if (request.getName().isEmpty()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("name: must be 1–255 printable characters").asRuntimeException());
            return;
          }
          if (groups.values().stream().anyMatch(g -> g.getName().equals(request.getName()))) {
            response.onError(Status.ALREADY_EXISTS.withDescription("a server group named " + request.getName() + " exists").asRuntimeException());
            return;
          }
          ServerGroup group =
              ServerGroup.newBuilder()
                  .setId(id())
                  .setName(request.getName())
                  .setPolicy(request.getPolicy())
                  .setScope(request.getScope())
                  .setMaxPerDomain(Math.max(1, request.getMaxPerDomain()))
                  .setCompliance(Compliance.newBuilder().setCompliant(true))
                  .setCreatedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_800_000_000L))
                  .build();
          groups.put(group.getId(), group);
          respond(response, group);
        }
      }

      @Override
      public void getServerGroup(GetServerGroupRequest request, StreamObserver<ServerGroup> response) {
        call(response, () -> group(request.getId()));
      }

      @Override
      public void listServerGroups(ListServerGroupsRequest request, StreamObserver<ListServerGroupsResponse> response) {
        call(response, () -> ListServerGroupsResponse.newBuilder().addAllServerGroups(groups.values()).build());
      }

      @Override
      public void deleteServerGroup(DeleteServerGroupRequest request, StreamObserver<DeleteServerGroupResponse> response) {
        call(response, () -> {
          ServerGroup group = group(request.getId());
          if (group.getMemberIdsCount() > 0) {
            throw Status.FAILED_PRECONDITION.withDescription("server group " + group.getName() + " has "
                + group.getMemberIdsCount() + " members: delete them first").asRuntimeException();
          }
          groups.remove(group.getId());
          return DeleteServerGroupResponse.getDefaultInstance();
        });
      }
    };
  }

  ServerServiceGrpc.ServerServiceImplBase serverService() {
    return new ServerServiceGrpc.ServerServiceImplBase() {
      @Override
      public void createServers(CreateServersRequest request, StreamObserver<CreateServersResponse> response) {
        call(response, () -> create(request));
      }

      @Override
      public void getServer(GetServerRequest request, StreamObserver<Server> response) {
        call(response, () -> server(request.getId()));
      }

      @Override
      public void listServers(ListServersRequest request, StreamObserver<ListServersResponse> response) {
        call(response, () -> {
          String groupId = request.getGroupId().isEmpty() ? "" : group(request.getGroupId()).getId();
          ListServersResponse.Builder list = ListServersResponse.newBuilder();
          for (Server server : servers.values()) {
            boolean groupMatches = groupId.isEmpty() || server.getGroupId().equals(groupId);
            boolean hostMatches = request.getHost().isEmpty() || server.getHostName().equals(request.getHost());
            boolean stateMatches = request.getState() == ServerState.SERVER_STATE_UNSPECIFIED
                || server.getState() == request.getState();
            if (groupMatches && hostMatches && stateMatches) {
              list.addServers(server);
            }
          }
          return list.build();
        });
      }

      @Override
      public void deleteServer(DeleteServerRequest request, StreamObserver<DeleteServerResponse> response) {
        call(response, () -> {
          Server server = server(request.getId());
          deleteRequests.add(request);
          if (request.getForce() && hosts.get(server.getHostId()).getUp()) {
            throw Status.FAILED_PRECONDITION.withDescription("force: server " + server.getId() + " is on host "
                + server.getHostName() + ", which is up; delete it without force").asRuntimeException();
          }
          servers.remove(server.getId());
          if (!server.getGroupId().isEmpty()) {
            ServerGroup group = groups.get(server.getGroupId());
            List<String> members = new ArrayList<>(group.getMemberIdsList());
            members.remove(server.getId());
            groups.put(group.getId(), group.toBuilder().clearMemberIds().addAllMemberIds(members).build());
          }
          return DeleteServerResponse.newBuilder().setDeleted(true)
              .setServer(server.toBuilder().setState(ServerState.SERVER_STATE_DELETING)).build();
        });
      }

      @Override
      public void watchServers(WatchServersRequest request, StreamObserver<ServerEvent> response) {
        watch(request, (ServerCallStreamObserver<ServerEvent>) response);
      }
    };
  }

  private synchronized CreateServersResponse create(CreateServersRequest request) {
    if (!request.getRequestId().isEmpty() && requests.containsKey(request.getRequestId())) {
      return CreateServersResponse.newBuilder().addAllServers(requests.get(request.getRequestId()))
          .setReplayed(true).build();
    }
    if (request.getMemoryMib() < 16) {
      throw Status.INVALID_ARGUMENT.withDescription("memory_mib: must be at least 16, not "
          + request.getMemoryMib()).asRuntimeException();
    }
    ServerGroup group = request.getGroupId().isEmpty() ? null : group(request.getGroupId());
    int count = Math.max(1, request.getCount());
    List<Host> free = new ArrayList<>(hosts.values());
    if (group != null && group.getPolicy() == Policy.ANTI_AFFINITY) {
      List<String> used = new ArrayList<>();
      for (String member : group.getMemberIdsList()) {
        used.add(servers.get(member).getHostId());
      }
      free.removeIf(h -> used.contains(h.getId()));
      if (free.size() < count) {
        throw Status.RESOURCE_EXHAUSTED.withDescription(NO_VALID_HOST).asRuntimeException();
      }
    }
    List<Server> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Host host = free.get(i % free.size());
      Server server =
          Server.newBuilder()
              .setId(id())
              .setName(count == 1 ? request.getName() : request.getName() + "-" + (i + 1))
              .setGroupId(group == null ? "" : group.getId())
              .setHostId(host.getId())
              .setHostName(host.getName())
              .setState(ServerState.SERVER_STATE_BUILDING)
              .setVcpus(request.getVcpus())
              .setMemoryMib(request.getMemoryMib())
              .setDiskGib(request.getDiskGib())
              .setImage(request.getImage())
              .setRequestId(request.getRequestId())
              .build();
      servers.put(server.getId(), server);
      created.add(server);
      if (group != null) {
        group = group.toBuilder().addMemberIds(server.getId()).build();
        groups.put(group.getId(), group);
      }
    }
    if (!request.getRequestId().isEmpty()) {
      requests.put(request.getRequestId(), created);
    }
    return CreateServersResponse.newBuilder().addAllServers(created).build();
  }

  /** A snapshot of the matching servers, then each BUILDING one's launch result. */
  private void watch(WatchServersRequest request, ServerCallStreamObserver<ServerEvent> response) {
    response.setOnCancelHandler(watchCancelled::countDown);
    List<Server> matching = new ArrayList<>();
    synchronized (this) {
      for (Server server : servers.values()) {
        boolean idMatches = request.getServerIdsList().isEmpty() || request.getServerIdsList().contains(server.getId());
        boolean groupMatches = request.getGroupId().isEmpty() || server.getGroupId().equals(request.getGroupId());
        if (idMatches && groupMatches) {
          matching.add(server);
        }
      }
    }
    for (Server server : matching) {
      response.onNext(ServerEvent.newBuilder().setKind(ServerEvent.Kind.KIND_SNAPSHOT).setServer(server).build());
    }
    for (Server server : matching) {
      if (server.getState() != ServerState.SERVER_STATE_BUILDING || server.getName().contains("stuck")) {
        continue;
      }
      Server launched = server.getName().contains("doomed")
          ? server.toBuilder().setState(ServerState.SERVER_STATE_ERROR)
              .setStateMessage("libvirt: Cannot access storage file 'missing.qcow2'").build()
          : server.toBuilder().setState(ServerState.SERVER_STATE_ACTIVE).build();
      synchronized (this) {
        servers.put(launched.getId(), launched);
      }
      response.onNext(ServerEvent.newBuilder().setKind(ServerEvent.Kind.KIND_CHANGED).setServer(launched).build());
    }
    if (completeWatch) {
      response.onCompleted();
    }
  }

  HostServiceGrpc.HostServiceImplBase hostService() {
    return new HostServiceGrpc.HostServiceImplBase() {
      @Override
      public void listHosts(ListHostsRequest request, StreamObserver<ListHostsResponse> response) {
        call(response, () -> ListHostsResponse.newBuilder().addAllHosts(hosts.values()).build());
      }

      @Override
      public void getHost(GetHostRequest request, StreamObserver<Host> response) {
        if (request.getId().equals("hv-unreachable")) {
          // what the controller answers when it cannot reach the host's agent
          response.onError(Status.UNAVAILABLE.withDescription("agent of host hv-unreachable at 10.0.0.9:7701 "
              + "does not answer").asRuntimeException());
          return;
        }
        call(response, () -> host(request.getId()));
      }

      @Override
      public void setHostSchedulable(SetHostSchedulableRequest request, StreamObserver<Host> response) {
        call(response, () -> {
          Host host = host(request.getId());
          if (!request.getSchedulable() && request.getReason().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("reason: required to take a host out of placement")
                .asRuntimeException();
          }
          Host changed = host.toBuilder().setSchedulable(request.getSchedulable())
              .setUnschedulableReason(request.getSchedulable() ? "" : request.getReason()).build();
          hosts.put(changed.getId(), changed);
          return changed;
        });
      }
    };
  }

  private interface Call<T> {
    T get();
  }

  private <T> void call(StreamObserver<T> response, Call<T> call) {
    T value;
    try {
      synchronized (this) {
        value = call.get();
      }
    } catch (io.grpc.StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    respond(response, value);
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
