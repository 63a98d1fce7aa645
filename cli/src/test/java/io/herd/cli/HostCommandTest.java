package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HostCommandTest extends CliTestSupport {
  @Test
  void listShowsEveryHostWithUsageInAnEightyColumnTable() {
    Result result = herdctl("host", "list");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().lines()).hasSize(4);
    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(result.out())
        .contains("NAME", "RACK", "ZONE", "STATUS", "ACCEL", "VCPUS", "MEMORY", "DISK", "VMS")
        .contains("hv-2", "rack-2", "zone-a", "up", "KVM", "0/62", "0M/60G", "0G/900G");
  }

  @Test
  void listAsJsonHasNumbersForSizes() throws Exception {
    Result result = herdctl("host", "list", "--output", "json");

    JsonNode host = new ObjectMapper().readTree(result.out()).get("hosts").get(0);
    assertThat(host.get("name").asText()).isEqualTo("hv-1");
    assertThat(host.get("capacity").get("memory_mib").isNumber()).isTrue();
    assertThat(host.get("capacity").get("memory_mib").asLong()).isEqualTo(65536);
    assertThat(host.get("labels").get("rack").asText()).isEqualTo("rack-1");
    assertThat(host.get("acceleration").asText()).isEqualTo("ACCELERATION_KVM");
    assertThat(host.get("last_heartbeat").isNull()).isTrue();
  }

  @Test
  void showByNamePrintsCapacityAndRatios() {
    Result result = herdctl("host", "show", "hv-3");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("name:", "hv-3")
        .contains("16 cpus, 64G memory, 900G of 1000G disk free")
        .contains("cpu 4.00, ram 1.00")
        .contains("allocatable:", "62 vcpus, 60G memory, 900G disk")
        .contains("agent:", "10.0.0.3:7701 (version 0.1.0)");
  }

  @Test
  void showOfAMissingHostIsNotFound() {
    Result result = herdctl("host", "show", "hv-9");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err().strip()).isEqualTo("herdctl: not found: host hv-9 does not exist");
  }

  @Test
  void cordonNeedsAReasonAndUncordonPutsTheHostBack() {
    Result noReason = herdctl("host", "cordon", "hv-1");
    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("Missing required option: '--reason");
    assertThat(fake.host("hv-1").getSchedulable()).isTrue();

    Result cordoned = herdctl("host", "cordon", "hv-1", "--reason", "disk swap");
    assertThat(cordoned.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cordoned.out().strip()).isEqualTo("cordoned host hv-1: disk swap");
    assertThat(fake.host("hv-1").getSchedulable()).isFalse();
    assertThat(herdctl("host", "list").out()).contains("cordoned");
    assertThat(herdctl("host", "show", "hv-1").out()).contains("no: disk swap");

    Result back = herdctl("host", "uncordon", "hv-1");
    assertThat(back.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(fake.host("hv-1").getSchedulable()).isTrue();
  }

  @Test
  void cordonWithABlankReasonIsRefusedByTheController() {
    Result result = herdctl("host", "cordon", "hv-1", "--reason", " ");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("reason: required");
    assertThat(fake.host("hv-1").getSchedulable()).isTrue();
  }
}
