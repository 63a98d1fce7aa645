package io.herd.controller.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerRecordTest {

    private static ServerRecord record(String id, String image, String network, String flavor) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new ServerRecord(id, "web-" + id, "", "", ServerStatus.BUILDING, "", 2, 2048, 20, image, network, "",
                now, now, "", flavor, Map.of());
    }

    @Test
    void serversOfOneImageNetworkAndFlavorShareOneCopyOfEachName() {
        // as a request's parser makes them: equal, not the same
        ServerRecord a = record("a", new String("debian-12.qcow2"), new String("default"), new String("m1.small"));
        ServerRecord b = record("b", new String("debian-12.qcow2"), new String("default"), new String("m1.small"));

        assertThat(a.image()).isEqualTo("debian-12.qcow2").isSameAs(b.image());
        assertThat(a.network()).isEqualTo("default").isSameAs(b.network());
        assertThat(a.flavor()).isEqualTo("m1.small").isSameAs(b.flavor());
    }

    @Test
    void missingNamesAreEmpty() {
        ServerRecord r = record("c", null, null, null);

        assertThat(r.image()).isEmpty();
        assertThat(r.network()).isEmpty();
        assertThat(r.flavor()).isEmpty();
    }
}
