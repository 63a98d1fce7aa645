package io.herd.cli;

import io.herd.api.v1.CreateServersRequest;
import io.herd.api.v1.CreateServersResponse;
import io.herd.api.v1.DeleteServerRequest;
import io.herd.api.v1.DeleteServerResponse;
import io.herd.api.v1.GetServerRequest;
import io.herd.api.v1.ListServersRequest;
import io.herd.api.v1.ListServersResponse;
import io.herd.api.v1.MigrateServerRequest;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerEvent;
import io.herd.api.v1.ServerState;
import io.herd.api.v1.WatchServersRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl server …}: ServerService. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Servers (virtual machines): create, list, show, delete, migrate, watch.",
    subcommands = {
      ServerCommand.Create.class,
      ServerCommand.ListServers.class,
      ServerCommand.Show.class,
      ServerCommand.Delete.class,
      ServerCommand.Migrate.class,
      ServerCommand.Watch.class
    })
final class ServerCommand {
  private ServerCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Place and boot servers, all or nothing (CreateServers).",
        "Sizes come from --flavor, or from --vcpus, --memory and --disk; they take binary units: 512M,"
            + " 4G, 1.5G, 1T."
      })
  static final class Create extends ControllerCommand {
    static final int DEFAULT_VCPUS = 1;
    static final long DEFAULT_MEMORY_MIB = 512;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Server name; with --count N the servers are NAME-1 … NAME-N.")
    String name;

    @Option(names = "--group", paramLabel = "GROUP", description = "Server group id or name.")
    String group = "";

    @Option(names = "--flavor", paramLabel = "FLAVOR",
        description = "Flavor id or name whose sizes the servers take (see herdctl flavor list); not with"
            + " --vcpus, --memory or --disk.")
    String flavor = "";

    @Option(names = "--vcpus", paramLabel = "N", description = "Virtual CPUs (default: " + DEFAULT_VCPUS + ").")
    Integer vcpus;

    @Option(names = "--memory", paramLabel = "SIZE",
        converter = SizeConverters.Mib.class,
        description = "Memory; a bare number is MiB (default: " + DEFAULT_MEMORY_MIB + "M).")
    Long memoryMib;

    @Option(names = "--disk", paramLabel = "SIZE",
        converter = SizeConverters.Gib.class,
        description = "Root disk; a bare number is GiB. 0 only without --image (default: 0).")
    Long diskGib;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
        description = "Metadata kept with each server and shown by server show (repeatable): at most 128,"
            + " keys of 1-255 characters, values of 0-255.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--image", paramLabel = "IMAGE",
        description = "Base image in the agents' image directory; none: a diskless server.")
    String image = "";

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
        description = "How many servers, placed all or nothing (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--request-id", paramLabel = "ID",
        description = "Idempotency key: repeating it returns the same servers (default: a new UUID, so"
            + " that a call made again on another controller creates nothing twice).")
    String requestId = "";

    @Option(names = "--network", paramLabel = "NETWORK",
        description = "libvirt network for one NIC; none: no NIC.")
    String network = "";

    @Option(names = "--wait",
        description = "Follow the servers until each is ACTIVE or ERROR, progress on stderr.")
    boolean waitForSettled;

    @Option(names = {"--timeout", "--wait-timeout"}, paramLabel = "DURATION", defaultValue = "10m",
        converter = Durations.Converter.class,
        description = "With --wait: give up after this long (exit 5); 90, 30s, 5m, 1h, a bare number is"
            + " seconds (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    int run(ControllerClient client) throws InterruptedException {
      boolean given = !requestId.isEmpty();
      String id = given ? requestId : UUID.randomUUID().toString();
      CreateServersRequest.Builder request =
          CreateServersRequest.newBuilder()
              .setName(name)
              .setGroupId(group)
              .setImage(image)
              .setCount(count)
              .setRequestId(id)
              .setNetwork(network)
              .putAllMetadata(properties);
      if (flavor.isEmpty()) {
        request
            .setVcpus(vcpus == null ? DEFAULT_VCPUS : vcpus)
            .setMemoryMib(memoryMib == null ? DEFAULT_MEMORY_MIB : memoryMib)
            .setDiskGib(diskGib == null ? 0 : diskGib);
      } else if (vcpus != null || memoryMib != null || diskGib != null) {
        throw new CliException(ExitCodes.USAGE, "--flavor gives the sizes: use either --flavor or"
            + " --vcpus/--memory/--disk, not both");
      } else {
        request.setFlavor(flavor);
      }
      CreateServersResponse response = client.servers().createServers(request.build());
      // replayed with an id of this run's own: its first attempt's answer was lost on the way
      if (response.getReplayed() && given) {
        err().println("herdctl: request id " + requestId + " was used before: these are its servers");
        err().flush();
      }
      Output output = output();
      if (!waitForSettled) {
        output.print(response, () -> ServerView.table(response.getServersList(), output.width()));
        return ExitCodes.OK;
      }
      ServerWaiter.Outcome outcome =
          new ServerWaiter(client, ServerWaiter.Goal.SETTLED, err()).await(response.getServersList(), timeout);
      CreateServersResponse settled =
          response.toBuilder().clearServers().addAllServers(outcome.servers()).build();
      output.print(settled, () -> ServerView.table(settled.getServersList(), output.width()));
      return outcome.exitCode(err());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List servers (ListServers).")
  static final class ListServers extends ControllerCommand {
    @Option(names = "--group", paramLabel = "GROUP", description = "Only this group (id or name).")
    String group = "";

    @Option(names = "--host", paramLabel = "HOST", description = "Only this host (id or name).")
    String host = "";

    @Option(names = "--state", paramLabel = "STATE", converter = EnumConverters.StateConverter.class,
        completionCandidates = EnumConverters.StateCandidates.class,
        description = "Only servers in this state: ${COMPLETION-CANDIDATES}.")
    ServerState state = ServerState.SERVER_STATE_UNSPECIFIED;

    @Override
    int run(ControllerClient client) {
      ListServersResponse response =
          client
              .servers()
              .listServers(
                  ListServersRequest.newBuilder().setGroupId(group).setHost(host).setState(state).build());
      Output output = output();
      output.print(response, () -> ServerView.table(response.getServersList(), output.width()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one server (GetServer).")
  static final class Show extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Server id.")
    String id;

    @Override
    int run(ControllerClient client) {
      Server server = client.servers().getServer(GetServerRequest.newBuilder().setId(id).build());
      output().print(server, () -> ServerView.details(server));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = {
        "Delete a server in any state, BUILDING included (DeleteServer). It is DELETING at once; its"
            + " agent stops and removes the domain, then its capacity and group membership are released"
            + " and it is gone.",
        "What cannot be done during the call (a launch in flight to let land, an unreachable agent to"
            + " retry, a DOWN host to wait for) goes on in the background: herdctl prints what the delete"
            + " waits for, and --wait follows it until the server is gone.",
        "With --force (only when its host is down): forget it without reaching the host."
      })
  static final class Delete extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Server id.")
    String id;

    @Option(names = "--force",
        description = "Only for a server whose host is down (no heartbeat for 3 intervals) or gone: the"
            + " controller forgets it without calling the host's agent, in any state, and releases its"
            + " capacity and group membership at once. Refused while the host is up. If the host comes"
            + " back with the domain, herd reports it as unknown and leaves it: remove it there with virsh.")
    boolean force;

    @Option(names = "--wait",
        description = "When the delete goes on in the background: follow the server until it is gone,"
            + " progress on stderr.")
    boolean waitForGone;

    @Mixin WaitTimeout wait;

    @Override
    int run(ControllerClient client) throws InterruptedException {
      DeleteServerResponse answered =
          client.servers().deleteServer(DeleteServerRequest.newBuilder().setId(id).setForce(force).build());
      DeleteServerResponse response = answered;
      if (waitForGone && !answered.getDeleted()) {
        ServerWaiter.Outcome outcome = new ServerWaiter(client, ServerWaiter.Goal.GONE, err())
            .await(List.of(answered.getServer()), wait.timeout);
        response = DeleteServerResponse.newBuilder().setServer(outcome.servers().get(0)).setDeleted(true).build();
      }
      DeleteServerResponse printed = response;
      Server server = printed.getServer();
      output().print(printed, () -> (force ? "force-deleted server " : printed.getDeleted() ? "deleted server "
          : "deleting server ") + server.getName() + " (" + server.getId() + ")"
          + (force ? " without reaching host " + server.getHostName() : "")
          + (printed.getDeleted() ? "" : ": " + server.getStateMessage()) + "\n");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Move a server to another host (MigrateServer), for maintenance. A cold migration: the new host"
            + " is claimed under the server's group rules, its domain is stopped and removed on its host,"
            + " and it is launched again from its image on the new host, keeping its id and name (nothing"
            + " on its old root disk is copied).",
        "Answers with the server BUILDING on its new host. Only for an ACTIVE or ERROR server on an up"
            + " host."
      })
  static final class Migrate extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Server id.")
    String id;

    @Option(names = "--to", paramLabel = "HOST",
        description = "Host id or name to move to (default: the best host the group's rules allow).")
    String toHost = "";

    @Option(names = "--wait",
        description = "Follow the server until it is ACTIVE or ERROR on its new host, progress on stderr.")
    boolean waitForSettled;

    @Mixin WaitTimeout wait;

    @Override
    int run(ControllerClient client) throws InterruptedException {
      Server moving =
          client.servers().migrateServer(MigrateServerRequest.newBuilder().setId(id).setToHost(toHost).build());
      Output output = output();
      if (!waitForSettled) {
        output.print(moving, () -> ServerView.line(moving));
        return ExitCodes.OK;
      }
      ServerWaiter.Outcome outcome =
          new ServerWaiter(client, ServerWaiter.Goal.SETTLED, err()).await(List.of(moving), wait.timeout);
      Server ended = outcome.servers().get(0);
      output.print(ended, () -> ServerView.line(ended));
      return outcome.exitCode(err());
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = {
        "Print the current state of servers, then every change, until interrupted (WatchServers).",
        "With --output json: one ServerEvent object per line."
      })
  static final class Watch extends ControllerCommand {
    @Option(names = "--group", paramLabel = "GROUP", description = "Only this group (id or name).")
    String group = "";

    @Option(names = "--id", paramLabel = "ID", description = "Only these servers (repeatable).")
    List<String> ids = new ArrayList<>();

    @Override
    int run(ControllerClient client) {
      Iterator<ServerEvent> events =
          client
              .serverStream()
              .watchServers(WatchServersRequest.newBuilder().setGroupId(group).addAllServerIds(ids).build());
      Output output = output();
      while (events.hasNext()) {
        ServerEvent event = events.next();
        output.printStreamed(event, () -> ServerView.eventLine(event));
      }
      return ExitCodes.OK;
    }
  }
}
