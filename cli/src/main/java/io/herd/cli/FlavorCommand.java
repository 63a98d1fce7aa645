package io.herd.cli;

import io.herd.api.v1.CreateFlavorRequest;
import io.herd.api.v1.DeleteFlavorRequest;
import io.herd.api.v1.DeleteFlavorResponse;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.GetFlavorRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.ListFlavorsResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herdctl flavor …}: FlavorService. */
@Command(
    name = "flavor",
    mixinStandardHelpOptions = true,
    description = "Flavors: named sizes to create servers from (server create --flavor).",
    subcommands = {
      FlavorCommand.Create.class,
      FlavorCommand.ListFlavors.class,
      FlavorCommand.Show.class,
      FlavorCommand.Delete.class
    })
final class FlavorCommand {
  private FlavorCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a flavor (CreateFlavor).",
        "Sizes take binary units: 512M, 4G, 1.5G, 1T."
      })
  static final class Create extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Unique flavor name.")
    String name;

    @Option(names = "--vcpus", paramLabel = "N", required = true, description = "Virtual CPUs of each server.")
    int vcpus;

    @Option(names = "--memory", paramLabel = "SIZE", required = true,
        converter = SizeConverters.Mib.class,
        description = "Memory of each server; a bare number is MiB.")
    long memoryMib;

    @Option(names = "--disk", paramLabel = "SIZE", defaultValue = "0",
        converter = SizeConverters.Gib.class,
        description = "Root disk of each server; a bare number is GiB. 0: diskless servers, created without"
            + " --image (default: 0).")
    long diskGib;

    @Option(names = "--id", paramLabel = "ID",
        description = "Unique id, letters, digits, '.', '_' and '-' (default: a UUID the controller assigns).")
    String id = "";

    @Override
    int run(ControllerClient client) {
      Flavor flavor =
          client
              .flavors()
              .createFlavor(
                  CreateFlavorRequest.newBuilder()
                      .setName(name)
                      .setVcpus(vcpus)
                      .setMemoryMib(memoryMib)
                      .setDiskGib(diskGib)
                      .setId(id)
                      .build());
      output().print(flavor, () -> FlavorView.details(flavor));
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List flavors by name (ListFlavors).")
  static final class ListFlavors extends ControllerCommand {
    @Override
    int run(ControllerClient client) {
      ListFlavorsResponse response = client.flavors().listFlavors(ListFlavorsRequest.getDefaultInstance());
      Output output = output();
      output.print(response, () -> FlavorView.table(response.getFlavorsList(), output.width()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one flavor (GetFlavor).")
  static final class Show extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "FLAVOR", description = "Flavor id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      Flavor flavor = client.flavors().getFlavor(GetFlavorRequest.newBuilder().setId(id).build());
      output().print(flavor, () -> FlavorView.details(flavor));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a flavor (DeleteFlavor). Servers created from it keep their sizes and show its name.")
  static final class Delete extends ControllerCommand {
    @Parameters(index = "0", paramLabel = "FLAVOR", description = "Flavor id or name.")
    String id;

    @Override
    int run(ControllerClient client) {
      DeleteFlavorResponse response =
          client.flavors().deleteFlavor(DeleteFlavorRequest.newBuilder().setId(id).build());
      output().print(response, () -> "deleted flavor " + id + "\n");
      return ExitCodes.OK;
    }
  }

  /** Tables and details of flavors. */
  static final class FlavorView {
    private FlavorView() {}

    static String table(List<Flavor> flavors, int width) {
      Table table = new Table("NAME", "ID", "VCPUS", "MEMORY", "DISK").shrinkable("NAME");
      for (Flavor flavor : flavors) {
        table.row(
            flavor.getName(),
            flavor.getId(),
            Integer.toUnsignedString(flavor.getVcpus()),
            Sizes.formatMib(flavor.getMemoryMib()),
            disk(flavor));
      }
      return table.render(width);
    }

    static String details(Flavor flavor) {
      return new Details()
          .add("id", flavor.getId())
          .add("name", flavor.getName())
          .add("vcpus", Integer.toUnsignedString(flavor.getVcpus()))
          .add("memory", Sizes.formatMib(flavor.getMemoryMib()) + " (" + flavor.getMemoryMib() + " MiB)")
          .add("disk", disk(flavor))
          .add("created", Names.time(flavor.getCreatedAt()))
          .render();
    }

    private static String disk(Flavor flavor) {
      return flavor.getDiskGib() == 0 ? "none" : Sizes.formatGib(flavor.getDiskGib());
    }
  }
}
