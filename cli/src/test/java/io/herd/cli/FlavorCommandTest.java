package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.herd.api.v1.Flavor;
import io.herd.api.v1.GetFlavorRequest;
import io.herd.api.v1.ListFlavorsRequest;
import io.herd.api.v1.Server;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlavorCommandTest extends CliTestSupport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private List<Flavor> flavors() {
    return cluster.flavors().listFlavors(ListFlavorsRequest.getDefaultInstance()).getFlavorsList();
  }

  @Test
  void createSendsSizesInTheirUnitsAndShowsTheFlavor() {
    Result result = herdctl("flavor", "create", "m1.small", "--vcpus", "2", "--memory", "2GiB", "--disk", "10GiB",
        "--id", "small-1");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    Flavor stored = cluster.flavors().getFlavor(GetFlavorRequest.newBuilder().setId("m1.small").build());
    assertThat(stored.getId()).isEqualTo("small-1");
    assertThat(stored.getVcpus()).isEqualTo(2);
    assertThat(stored.getMemoryMib()).isEqualTo(2048);
    assertThat(stored.getDiskGib()).isEqualTo(10);
    assertThat(result.out())
        .containsPattern("id: +small-1\n")
        .containsPattern("name: +m1.small\n")
        .containsPattern("vcpus: +2\n")
        .containsPattern("memory: +2G \\(2048 MiB\\)\n")
        .containsPattern("disk: +10G\n");
  }

  @Test
  void listShowAndDeleteByIdOrNameInEveryFormat() throws Exception {
    herdctl("flavor", "create", "tiny", "--vcpus", "1", "--memory", "256");
    herdctl("flavor", "create", "big", "--vcpus", "16", "--memory", "64G", "--disk", "1T", "--id", "big");

    Result table = herdctl("flavor", "list");
    assertThat(table.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(table.out()).containsPattern("NAME +ID +VCPUS +MEMORY +DISK\n")
        .containsPattern("big +big +16 +64G +1T\n")
        .containsPattern("tiny +[0-9a-f-]{36} +1 +256M +none\n");
    assertThat(table.out().indexOf("big")).isLessThan(table.out().indexOf("tiny"));

    JsonNode list = JSON.readTree(herdctl("flavor", "list", "-o", "json").out());
    assertThat(list.get("flavors")).hasSize(2);
    assertThat(list.get("flavors").get(0).get("memory_mib").asText()).isEqualTo("65536");
    JsonNode shown = new YAMLMapper().readTree(herdctl("flavor", "show", "big", "-o", "yaml").out());
    assertThat(shown.get("disk_gib").asText()).isEqualTo("1024");

    Result deleted = herdctl("flavor", "delete", "tiny");
    assertThat(deleted.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(deleted.out()).isEqualTo("deleted flavor tiny\n");
    assertThat(flavors()).extracting(Flavor::getName).containsExactly("big");

    Result missing = herdctl("flavor", "show", "tiny");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err().strip()).isEqualTo("herdctl: not found: flavor: no flavor with id or name 'tiny'");
  }

  @Test
  void refusalsAreUsageErrorsOrConflictsAndCreateNothingNew() {
    Result missingVcpus = herdctl("flavor", "create", "f", "--memory", "1G");
    Result tooSmall = herdctl("flavor", "create", "f", "--vcpus", "1", "--memory", "8M");
    herdctl("flavor", "create", "f", "--vcpus", "1", "--memory", "1G");
    Result again = herdctl("flavor", "create", "f", "--vcpus", "2", "--memory", "1G");

    assertThat(missingVcpus.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missingVcpus.err()).contains("Missing required option: '--vcpus=N'");
    assertThat(tooSmall.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooSmall.err()).contains("memory_mib: must be between 16 and");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(again.err()).contains("name: a flavor named 'f' already exists");
    assertThat(flavors()).singleElement().satisfies(f -> assertThat(f.getVcpus()).isEqualTo(1));
  }

  @Test
  void serverCreateTakesAFlavorAndPropertiesAndShowShowsThem() throws IOException {
    cluster.addImage("deb");
    herdctl("flavor", "create", "m1", "--vcpus", "2", "--memory", "1G", "--disk", "3");

    Result result = herdctl("server", "create", "app", "--flavor", "m1", "--image", "deb", "--property",
        "role=web", "--property", "team=a=b", "--property", "empty=", "--wait");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    Server server = cluster.server("app");
    assertThat(server.getFlavor()).isEqualTo("m1");
    assertThat(server.getVcpus()).isEqualTo(2);
    assertThat(server.getMemoryMib()).isEqualTo(1024);
    assertThat(server.getDiskGib()).isEqualTo(3);
    assertThat(server.getMetadataMap().keySet()).containsExactly("role", "team", "empty");
    assertThat(server.getMetadataMap()).containsEntry("team", "a=b").containsEntry("empty", "");
    Result shown = herdctl("server", "show", server.getId());
    assertThat(shown.out())
        .containsPattern("flavor: +m1\n")
        .containsPattern("metadata: +3\n +role=web\n +team=a=b\n +empty=\n");
    JsonNode json = JSON.readTree(herdctl("server", "show", server.getId(), "-o", "json").out());
    assertThat(json.get("flavor").asText()).isEqualTo("m1");
    assertThat(json.get("metadata").isObject()).isTrue();
    assertThat(json.get("metadata").fieldNames()).toIterable().containsExactly("role", "team", "empty");
    assertThat(json.get("metadata").get("team").asText()).isEqualTo("a=b");
  }

  @Test
  void aFlavorWithSizeOptionsIsAUsageErrorAndSendsNothing() {
    herdctl("flavor", "create", "m1", "--vcpus", "2", "--memory", "1G");

    Result both = herdctl("server", "create", "app", "--flavor", "m1", "--memory", "2G");
    Result unknown = herdctl("server", "create", "app", "--flavor", "nope");
    Result plain = herdctl("server", "create", "plain");

    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err().strip()).isEqualTo("herdctl: --flavor gives the sizes: use either --flavor or"
        + " --vcpus/--memory/--disk, not both");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains("flavor: no flavor with id or name 'nope'");
    assertThat(plain.exitCode()).as(plain.err()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.serverList()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("plain");
      assertThat(s.getFlavor()).isEmpty();
      assertThat(s.getVcpus()).isEqualTo(1);
      assertThat(s.getMemoryMib()).isEqualTo(512);
    });
    assertThat(herdctl("server", "show", cluster.server("plain").getId()).out())
        .containsPattern("flavor: +-\n").containsPattern("metadata: +none\n");
  }
}
