package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.api.v1.Host;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The hosts are three test-driver hosts of 16 CPUs and 64 GiB; agents hold back 2 CPUs and 4 GiB. */
class HostCommandTest extends CliTestSupport {
  /** A disk size as herdctl prints it; disk space is the machine's own and changes while tests run. */
  private static final String SIZE = "\\d+(\\.\\d)?[GT]";

  @Test
  void listShowsEveryHostWithUsageInAnEightyColumnTable() {
    herdctl("server", "create", "app", "--vcpus", "2", "--memory", "1G", "--wait");
    String busy = cluster.server("app").getHostName();

    Result result = herdctl("host", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().lines()).hasSize(4);
    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(result.out())
        .contains("NAME", "RACK", "ZONE", "STATUS", "ACCEL", "VCPUS", "MEMORY", "DISK", "VMS")
        .containsPattern("hv-2\\s+rack-2\\s+zone-a\\s+up\\s+TEST\\s");
    // 16 CPUs × 4.0 − 2 reserved; (64 GiB − 4 GiB) × 1.0; disk: the free space where the images are
    assertThat(result.out()).containsPattern(busy + "\\s.*\\s2/62\\s+1G/60G\\s+0G/" + SIZE + "\\s+1\\n");
  }

  @Test
  void listAsJsonHasNumbersForSizes() throws Exception {
    Result result = herdctl("host", "list", "--output", "json");

    JsonNode hv1 = null;
    for (JsonNode host : new ObjectMapper().readTree(result.out()).get("hosts")) {
      if (host.get("name").asText().equals("hv-1")) {
        hv1 = host;
      }
    }
    assertThat(hv1).isNotNull();
    assertThat(hv1.get("capacity").get("memory_mib").isNumber()).isTrue();
    assertThat(hv1.get("capacity").get("memory_mib").asLong()).isEqualTo(65536);
    assertThat(hv1.get("labels").get("rack").asText()).isEqualTo("rack-1");
    assertThat(hv1.get("acceleration").asText()).isEqualTo("ACCELERATION_TEST");
    assertThat(Instant.parse(hv1.get("last_heartbeat").asText())).isAfter(Instant.now().minusSeconds(600));
  }

  @Test
  void showByNamePrintsCapacityAndRatios() {
    Host hv3 = cluster.host("hv-3");

    Result result = herdctl("host", "show", "hv-3");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("name:", "hv-3")
        .containsPattern("hardware: +16 cpus, 64G memory, " + SIZE + " of " + SIZE + " disk free")
        .contains("reserved:", "2 cpus, 4G memory, 0G disk")
        .contains("cpu 4.00, ram 1.00")
        .contains("allocatable:", "62 vcpus, 60G memory")
        .contains("agent:", hv3.getAgentAddress() + " (version " + hv3.getAgentVersion() + ")");
    // without TLS an agent serves on the Unix socket in its state directory
    assertThat(hv3.getAgentAddress()).startsWith("unix:///").endsWith("/hv-3/state/agent.sock");
  }

  @Test
  void showSaysWhetherTheHostTakesServersTheLargestItTakesAndItsImages() throws Exception {
    cluster.addImage("debian-12.qcow2");
    cluster.addImage("alpine.raw");

    Result result = herdctl("host", "show", "hv-2");
    Result json = herdctl("host", "show", "hv-2", "-o", "json");

    assertThat(result.out())
        .contains("status:", "up")
        .containsPattern("takes new servers: +yes\n")
        // the agent's defaults: max_server_vcpus 256, max_server_memory_mib 4 TiB, max_server_disk_gib 64 TiB
        .contains("largest server:", "256 vcpus, 4T memory, 64T disk")
        .containsPattern("images: +2\n +alpine.raw\n +debian-12.qcow2\n")
        .doesNotContain("evacuate at");
    JsonNode host = new ObjectMapper().readTree(json.out());
    assertThat(host.get("limits").get("max_vcpus").asInt()).isEqualTo(256);
    assertThat(host.get("images")).extracting(JsonNode::asText).containsExactly("alpine.raw", "debian-12.qcow2");
    assertThat(host.get("not_placeable_reason").asText()).isEmpty();
    assertThat(host.get("evacuate_at").isNull()).isTrue();
  }

  @Test
  void showOfAMissingHostIsNotFound() {
    Result result = herdctl("host", "show", "hv-9");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: id: no host with id or name 'hv-9'");
  }

  @Test
  void cordonNeedsAReasonAndUncordonPutsTheHostBack() {
    Result noReason = herdctl("host", "cordon", "hv-1");
    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("Missing required option: '--reason");
    assertThat(cluster.host("hv-1").getSchedulable()).isTrue();

    Result cordoned = herdctl("host", "cordon", "hv-1", "--reason", "disk swap");
    assertThat(cordoned.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cordoned.out().strip()).isEqualTo("cordoned host hv-1: disk swap");
    assertThat(cluster.host("hv-1").getSchedulable()).isFalse();
    assertThat(herdctl("host", "list").out()).containsPattern("hv-1\\s+rack-1\\s+zone-a\\s+cordoned");
    assertThat(herdctl("host", "show", "hv-1").out())
        .containsPattern("takes new servers: +no: cordoned: disk swap\n")
        .contains("schedulable:", "no: disk swap");

    Result back = herdctl("host", "uncordon", "hv-1");
    assertThat(back.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cluster.host("hv-1").getSchedulable()).isTrue();
  }

  @Test
  void cordonWithAnEmptyReasonIsRefusedByTheController() {
    Result result = herdctl("host", "cordon", "hv-1", "--reason", "");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip())
        .isEqualTo("herdctl: invalid argument: reason: required, 1–255 printable characters");
    assertThat(cluster.host("hv-1").getSchedulable()).isTrue();
  }

  @Test
  void aHostWhoseAgentStoppedIsDownAndItsServersUnknown() {
    herdctl("server", "create", "app", "--wait");
    String host = cluster.server("app").getHostName();

    cluster.stopAgent(host);
    cluster.awaitHostDown(host);

    assertThat(herdctl("host", "list").out()).containsPattern(host + "\\s+rack-\\d\\s+zone-a\\s+down\\s");
    assertThat(herdctl("host", "show", host).out()).containsPattern("takes new servers: +no: down: no heartbeat since ");
    assertThat(herdctl("server", "list").out()).containsPattern("app\\s+UNKNOWN\\s+" + host);
  }
}
