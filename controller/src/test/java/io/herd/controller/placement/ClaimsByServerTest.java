package io.herd.controller.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ClaimsByServerTest {

    /** Random puts and removals, across many stripes and their growth, agree with one HashMap. */
    @Property(tries = 200)
    void agreesWithOneMap(@ForAll @Size(max = 2000) List<@IntRange(min = 0, max = 3000) Integer> servers,
                          @ForAll @Size(max = 2000) List<Boolean> removals) {
        ClaimsByServer claims = new ClaimsByServer();
        Map<String, Claim> expected = new HashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            String serverId = "s" + servers.get(i);
            if (i < removals.size() && removals.get(i)) {
                assertThat(claims.remove(serverId)).isSameAs(expected.remove(serverId));
            } else {
                Claim claim = new Claim(serverId, i, null, Fixtures.SMALL, i);
                claims.put(serverId, claim);
                expected.put(serverId, claim);
            }
        }
        for (int server = 0; server <= 3000; server++) {
            String serverId = "s" + server;
            assertThat(claims.get(serverId)).isSameAs(expected.get(serverId));
            assertThat(claims.containsKey(serverId)).isEqualTo(expected.containsKey(serverId));
        }
    }
}
