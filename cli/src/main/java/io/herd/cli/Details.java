package io.herd.cli;

import java.util.ArrayList;
import java.util.List;

/** "key: value" lines for the show commands, keys aligned. */
final class Details {
  private final List<String[]> lines = new ArrayList<>();

  Details add(String key, Object value) {
    lines.add(new String[] {key, String.valueOf(value)});
    return this;
  }

  /** A list under a key, one element per indented line ("none" when empty). */
  Details list(String key, List<String> values) {
    if (values.isEmpty()) {
      return add(key, "none");
    }
    add(key, values.size());
    for (String value : values) {
      lines.add(new String[] {"", "  " + value});
    }
    return this;
  }

  String render() {
    int width = 0;
    for (String[] line : lines) {
      width = Math.max(width, line[0].length());
    }
    StringBuilder text = new StringBuilder();
    for (String[] line : lines) {
      String key = line[0].isEmpty() ? " ".repeat(width + 1) : line[0] + ":" + " ".repeat(width - line[0].length());
      text.append(key).append(' ').append(line[1]).append('\n');
    }
    return text.toString();
  }
}
