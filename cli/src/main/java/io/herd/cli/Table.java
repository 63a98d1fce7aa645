package io.herd.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aligned text columns. When the rows are wider than the terminal, the columns marked
 * shrinkable lose width first (their cells end with {@code ~}); the others never shrink, so
 * ids stay whole and can be copied.
 */
final class Table {
  private static final String GAP = "  ";
  private static final int MIN_SHRUNK_WIDTH = 6;

  private final String[] headers;
  private final boolean[] shrinkable;
  private final List<String[]> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = headers.clone();
    this.shrinkable = new boolean[headers.length];
  }

  /** Marks the columns (by header) that may be cut to fit the width. */
  Table shrinkable(String... names) {
    List<String> wanted = Arrays.asList(names);
    for (int i = 0; i < headers.length; i++) {
      if (wanted.contains(headers[i])) {
        shrinkable[i] = true;
      }
    }
    return this;
  }

  Table row(String... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + headers.length + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, one line per row after the header, each at most {@code width} wide if it can. */
  String render(int width) {
    int[] widths = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      widths[i] = headers[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    int total = GAP.length() * (headers.length - 1) + Arrays.stream(widths).sum();
    while (total > width) {
      int widest = -1;
      for (int i = 0; i < headers.length; i++) {
        int floor = Math.max(MIN_SHRUNK_WIDTH, headers[i].length());
        if (shrinkable[i] && widths[i] > floor && (widest < 0 || widths[i] > widths[widest])) {
          widest = i;
        }
      }
      if (widest < 0) {
        break;
      }
      widths[widest]--;
      total--;
    }
    StringBuilder text = new StringBuilder();
    line(text, headers, widths);
    for (String[] row : rows) {
      line(text, row, widths);
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i];
      if (cell.length() > widths[i]) {
        cell = cell.substring(0, widths[i] - 1) + "~";
      }
      line.append(cell);
      if (i < cells.length - 1) {
        line.append(" ".repeat(widths[i] - cell.length())).append(GAP);
      }
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }
}
