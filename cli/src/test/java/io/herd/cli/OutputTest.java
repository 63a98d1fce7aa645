package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Timestamp;
import io.herd.api.v1.Server;
import io.herd.api.v1.ServerState;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class OutputTest {
  /** Strings that look like other YAML types must come back as the same strings. */
  private static final Server TRICKY =
      Server.newBuilder()
          .setId("00000000-0000-4000-8000-000000000001")
          .setName("123")
          .setImage("")
          .setStateMessage("yes")
          .setRequestId("null")
          .setState(ServerState.SERVER_STATE_ERROR)
          .setMemoryMib(-1L) // a uint64 above Long.MAX_VALUE
          .setCreatedAt(Timestamp.newBuilder().setSeconds(1_800_000_000L).setNanos(5_000_000))
          .build();

  private static String print(OutputFormat format) {
    StringWriter text = new StringWriter();
    new Output(format, new PrintWriter(text), 80).print(TRICKY, () -> "table");
    return text.toString();
  }

  private static void assertTree(JsonNode server) {
    assertThat(server.get("name").isTextual()).isTrue();
    assertThat(server.get("name").asText()).isEqualTo("123");
    assertThat(server.get("image").asText()).isEmpty();
    assertThat(server.get("state_message").asText()).isEqualTo("yes");
    assertThat(server.get("request_id").isTextual()).isTrue();
    assertThat(server.get("state").asText()).isEqualTo("SERVER_STATE_ERROR");
    assertThat(server.get("memory_mib").bigIntegerValue()).hasToString("18446744073709551615");
    assertThat(server.get("created_at").asText()).isEqualTo("2027-01-15T08:00:00.005Z");
    assertThat(server.get("updated_at").isNull()).isTrue();
  }

  @Test
  void jsonKeepsTypesAndUnsignedNumbers() throws Exception {
    assertTree(new ObjectMapper().readTree(print(OutputFormat.JSON)));
  }

  @Test
  void yamlQuotesWhatWouldOtherwiseChangeType() throws Exception {
    assertTree(new YAMLMapper().readTree(print(OutputFormat.YAML)));
  }

  @Test
  void tableFormatPrintsTheText() {
    assertThat(print(OutputFormat.TABLE)).isEqualTo("table");
  }
}
