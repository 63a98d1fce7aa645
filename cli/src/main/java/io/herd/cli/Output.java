package io.herd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.MessageOrBuilder;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Writes a command's result in the chosen {@link OutputFormat}. */
final class Output {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private final OutputFormat format;
  private final PrintWriter out;
  private final int width;

  Output(OutputFormat format, PrintWriter out, int width) {
    this.format = format;
    this.out = out;
    this.width = width;
  }

  /** The message as JSON/YAML, or the text {@code table} makes for the terminal. */
  void print(MessageOrBuilder message, Supplier<String> text) {
    if (format == OutputFormat.TABLE) {
      out.print(text.get());
    } else {
      out.print(write(format == OutputFormat.JSON ? JSON : YAML, ProtoTree.of(message)));
      if (format == OutputFormat.JSON) {
        out.println();
      }
    }
    out.flush();
  }

  /** One element of a stream: a JSON line, a YAML document, or a line of text. */
  void printStreamed(MessageOrBuilder message, Supplier<String> line) {
    switch (format) {
      case TABLE:
        out.println(line.get());
        break;
      case JSON:
        out.println(write(JSON_LINE, ProtoTree.of(message)));
        break;
      case YAML:
        out.println("---");
        out.print(write(YAML, ProtoTree.of(message)));
        break;
      default:
        throw new IllegalStateException("unhandled format " + format);
    }
    out.flush();
  }

  OutputFormat format() {
    return format;
  }

  int width() {
    return width;
  }

  private static String write(ObjectMapper mapper, JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
