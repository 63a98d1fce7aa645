package io.herd.cli;

/** What {@code --output} accepts. */
public enum OutputFormat {
  /** Aligned columns for people, fitting an 80-column terminal. */
  TABLE,
  /** The RPC's response message as JSON (see {@link ProtoTree} for the shape). */
  JSON,
  /** The same tree as JSON, written as YAML. */
  YAML;

  /** The values as typed (lower case), for shell completion. */
  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(values())
          .map(f -> f.name().toLowerCase(java.util.Locale.ROOT))
          .iterator();
    }
  }
}
