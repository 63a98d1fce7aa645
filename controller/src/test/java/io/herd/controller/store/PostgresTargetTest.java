package io.herd.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresTargetTest {

    @Test
    void parsesUserHostPortAndDatabase() {
        PostgresTarget t = PostgresTarget.parse("postgresql://herd@db1.example:6432/herd", "pw");
        assertThat(t).isEqualTo(new PostgresTarget("herd", "db1.example", 6432, "herd", "pw"));
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db1.example:6432/herd");
    }

    @Test
    void theUserAndPortAreOptional() {
        PostgresTarget t = PostgresTarget.parse("postgresql://db1/herd", null);
        assertThat(t).isEqualTo(new PostgresTarget("", "db1", 5432, "herd", ""));
        assertThat(t).hasToString("postgresql://db1:5432/herd");
    }

    @Test
    void neverShowsThePassword() {
        PostgresTarget t = PostgresTarget.parse("postgresql://herd@db1/herd", "s3cret");
        assertThat(t.toString()).isEqualTo("postgresql://herd@db1:5432/herd").doesNotContain("s3cret");
        assertThat(t.jdbcUrl()).doesNotContain("s3cret");
    }

    @Test
    void refusesWhatItCannotUseSayingWhy() {
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://herd:pw@db1/herd", ""))
                .hasMessageContaining("must not carry a password");
        assertThatThrownBy(() -> PostgresTarget.parse("mysql://db1/herd", ""))
                .hasMessageContaining("must be postgresql://");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://db1/", ""))
                .hasMessageContaining("must name one database");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://db1/herd?sslmode=require", ""))
                .hasMessageContaining("takes no parameters");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql:///herd", ""))
                .hasMessageContaining("names no host");
        assertThatThrownBy(() -> PostgresTarget.parse("postgresql://db 1/herd", ""))
                .hasMessageContaining("is not a URL");
    }
}
