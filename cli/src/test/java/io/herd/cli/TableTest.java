package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsColumnsAndTrimsTrailingSpace() {
    String text = new Table("A", "LONGER").row("xyz", "1").row("q", "22").render(80);

    assertThat(text).isEqualTo("A    LONGER\nxyz  1\nq    22\n");
  }

  @Test
  void shrinksOnlyTheMarkedColumnsWidestFirst() {
    String id = "00000000-0000-4000-8000-000000000001";
    String text =
        new Table("ID", "NAME", "HOST")
            .shrinkable("NAME", "HOST")
            .row(id, "n".repeat(40), "h".repeat(20))
            .render(70);

    assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(70));
    assertThat(text).contains(id).contains("n".repeat(13) + "~").contains("h".repeat(13) + "~");
  }

  @Test
  void neverShrinksBelowTheHeaderOrSixCharacters() {
    String text = new Table("ID", "NAME").shrinkable("NAME").row("x".repeat(30), "abcdefghij").render(20);

    assertThat(text).contains("abcde~");
    assertThat(text).contains("x".repeat(30));
  }
}
