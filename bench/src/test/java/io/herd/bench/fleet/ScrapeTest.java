package io.herd.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Prometheus text the benchmark reads its figures from, parsed as the controller writes it. */
class ScrapeTest {

    private static final String BEFORE = """
            # HELP herd_hosts hosts by state
            # TYPE herd_hosts gauge
            herd_hosts{state="down"} 0.0
            herd_hosts{state="up"} 3.0
            herd_grpc_server_handling_seconds_bucket{method="a/B",le="0.005"} 10
            herd_grpc_server_handling_seconds_bucket{method="a/B",le="0.01"} 10
            herd_grpc_server_handling_seconds_bucket{method="a/B",le="+Inf"} 10
            herd_grpc_server_handling_seconds_bucket{method="c/D",le="+Inf"} 7
            process_cpu_seconds_total 1.5
            """;

    @Test
    void samplesAreReadByNameAndLabels() {
        Scrape s = Scrape.parse(BEFORE);
        assertThat(s.sum("herd_hosts", l -> "up".equals(l.get("state")))).isEqualTo(3.0);
        assertThat(s.sum("herd_hosts", l -> true)).isEqualTo(3.0);
        assertThat(s.value("process_cpu_seconds_total")).isEqualTo(1.5);
        assertThat(s.value("absent")).isZero();
        assertThat(s.buckets("herd_grpc_server_handling_seconds", l -> "a/B".equals(l.get("method"))))
                .containsEntry(0.005, 10.0).containsEntry(Double.POSITIVE_INFINITY, 10.0).hasSize(3);
    }

    @Test
    void aQuantileBoundCountsOnlyTheObservationsBetweenTwoScrapes() {
        TreeMap<Double, Double> before = Scrape.parse(BEFORE).buckets("herd_grpc_server_handling_seconds",
                l -> "a/B".equals(l.get("method")));
        // 100 more: 95 under 5 ms, 4 under 10 ms, 1 slower
        TreeMap<Double, Double> after = Scrape.parse(BEFORE
                .replace("le=\"0.005\"} 10", "le=\"0.005\"} 105")
                .replace("le=\"0.01\"} 10", "le=\"0.01\"} 109")
                .replace("le=\"+Inf\"} 10", "le=\"+Inf\"} 110"))
                .buckets("herd_grpc_server_handling_seconds", l -> "a/B".equals(l.get("method")));

        assertThat(Scrape.quantileBound(before, after, 0.5)).isEqualTo(0.005);
        assertThat(Scrape.quantileBound(before, after, 0.99)).isEqualTo(0.01);
        assertThat(Scrape.quantileBound(before, after, 1.0)).isInfinite();
        assertThat(Scrape.quantileBound(before, before, 0.99)).isNaN();
        assertThat(FleetBenchmark.boundMs(0.01)).isEqualTo(10.0);
        assertThat(FleetBenchmark.boundMs(Double.POSITIVE_INFINITY)).isEqualTo("over the largest bucket");
        assertThat(FleetBenchmark.boundMs(Double.NaN)).isNull();
    }

    @Test
    void onlyTheCollectorsThatStopTheProgramCountAsPauses() {
        Scrape s = Scrape.parse("""
                jvm_gc_collection_seconds_count{gc="G1 Young Generation"} 4
                jvm_gc_collection_seconds_count{gc="G1 Old Generation"} 1
                jvm_gc_collection_seconds_count{gc="G1 Concurrent GC"} 2
                jvm_gc_collection_seconds_count{gc="ZGC Pauses"} 30
                jvm_gc_collection_seconds_count{gc="ZGC Cycles"} 10
                jvm_gc_collection_seconds_count{gc="Shenandoah Cycles"} 10
                """);
        assertThat(s.sum("jvm_gc_collection_seconds_count", FleetBenchmark.GC_PAUSES)).isEqualTo(35.0);
    }
}
