package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void namesAreTheSelectedMetricsOnly() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, instance) "
                + "(rate(herd_store_commit_seconds_bucket{job=\"herd-controller\"}[5m]))) > 0.5"))
                .containsExactly("herd_store_commit_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(a_sum{x=\"y\"}[$__rate_interval])) / sum(rate(a_count[1m]))"))
                .containsExactly("a_count", "a_sum");
        assertThat(PromQl.metricNames("up{job=~\"herd-controller|herd-agent\"} == 0 and on (instance) b offset 5m"))
                .containsExactly("b", "up");
        assertThat(PromQl.metricNames("max by (quantile) (c) > 1e3")).containsExactly("c");
    }
}
