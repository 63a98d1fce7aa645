package io.herd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HostCapacity;
import io.herd.controller.model.HostFailurePolicy;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.model.ServerStatus;
import io.herd.controller.placement.Policy;
import io.herd.controller.placement.Resources;
import io.herd.controller.placement.Scope;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.SqliteStore;
import io.herd.runtime.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Time to first render of the console's topology view (not part of the test suite: run it by
 * name, see docs/benchmarks.md): a controller whose SQLite store holds {@code herd.bench.hosts}
 * hosts in 3 zones and {@code herd.bench.servers} servers in anti-affinity groups of five,
 * opened {@code herd.bench.loads} times in headless Chromium. Each figure is the browser's own:
 * from the navigation's start to the page's {@code herd-console-rendered} mark, set once the
 * topology of every host and server is in the document and laid out; {@code state_arrived_ms} is
 * when the stream's first event (the whole state) arrived, the rest is the page's own work.
 */
class ConsoleLoadBenchmark {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void topologyViewFirstRender() throws Exception {
        int hosts = Integer.getInteger("herd.bench.hosts", 1_000);
        int servers = Integer.getInteger("herd.bench.servers", 10_000);
        int loads = Integer.getInteger("herd.bench.loads", 7);
        fill(dir.resolve("controller/controller.db"), hosts, servers);
        int http = Ports.free();
        Cluster.Options options = new Cluster.Options(Cluster.HEARTBEAT_MS, List.of("-Xmx1g"), List.of());
        try (Cluster cluster = new Cluster(dir, null, options, "--nova-api-listen", "127.0.0.1:" + http);
             Browser browser = new Browser(1280, 900)) {
            List<Long> times = new ArrayList<>();
            List<Long> stateTimes = new ArrayList<>();
            for (int i = 0; i < loads; i++) {
                browser.open("http://127.0.0.1:" + http + "/console/?load=" + i);
                browser.await("the first render", d -> "true".equals(d.findElement(By.tagName("body"))
                        .getDomAttribute("data-rendered")));
                Number ms = (Number) browser.script("return performance.getEntriesByName('herd-console-rendered')"
                        + "[0].startTime;");
                times.add(Math.round(ms.doubleValue()));
                stateTimes.add(Math.round(((Number) browser.script("return performance.getEntriesByName("
                        + "'herd-console-state')[0].startTime;")).doubleValue()));
                assertThat(browser.findAll(By.cssSelector("article.host"))).hasSize(hosts);
                assertThat(((Number) browser.script("return document.querySelectorAll('li.srv').length;"))
                        .intValue()).isEqualTo(servers);
            }
            assertThat(cluster.controller.alive()).as("the controller after the loads").isTrue();
            // the first load also warms the controller's JIT; the figure is over the others
            List<Long> warm = times.subList(1, times.size()).stream().sorted().toList();
            String json = String.format(Locale.ROOT, "{\"hosts\": %d, \"servers\": %d, \"first_render_ms\": %s, "
                    + "\"state_arrived_ms\": %s, \"median_ms\": %d, \"max_ms\": %d}", hosts, servers, times,
                    stateTimes, warm.get(warm.size() / 2),
                    warm.get(warm.size() - 1));
            Files.writeString(Path.of("target", "console-bench.json"), json + "\n");
            System.out.println("console benchmark: " + json);
        }
    }

    /** Writes hosts (never heard from: DOWN until a heartbeat), groups and ACTIVE servers to a new store. */
    private static void fill(Path db, int hostCount, int serverCount) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        HostCapacity capacity = new HostCapacity(64, 262_144, 2_000, 2_000, 0, 0, 0, 4.0, 1.0);
        try (SqliteStore store = SqliteStore.open(db)) {
            List<Mutation> batch = new ArrayList<>();
            for (int h = 0; h < hostCount; h++) {
                batch.add(new Mutation.UpsertHost(new HostRecord("host-" + h, "hv-" + h, "rack-" + h / 40,
                        "zone-" + h % 3, "10.1." + h / 250 + "." + h % 250 + ":7701", capacity, Resources.ZERO,
                        Resources.ZERO, "ACCELERATION_KVM", "0.1.0", true, "", false, false, "", t, List.of(), null,
                        List.of(), false, null, true)));
            }
            int groups = serverCount / 5;
            for (int g = 0; g < groups; g++) {
                batch.add(new Mutation.InsertGroup(new GroupRecord("group-" + g, "group-" + g, Policy.ANTI_AFFINITY,
                        Scope.HOST, 1, t, HostFailurePolicy.NONE)));
            }
            store.apply(batch);
            batch.clear();
            for (int s = 0; s < serverCount; s++) {
                int group = s / 5;
                String host = "host-" + (group * 7 + s % 5) % hostCount;
                batch.add(new Mutation.InsertServers("request-" + s, List.of(new ServerRecord("server-" + s,
                        "server-" + s, "group-" + group, host, ServerStatus.ACTIVE, "", 1, 512, 0, "", "",
                        "request-" + s, t, t, "", "", Map.of()))));
            }
            store.apply(batch);
        }
    }
}
