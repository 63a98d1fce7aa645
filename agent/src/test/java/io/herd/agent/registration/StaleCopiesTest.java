package io.herd.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herd.agent.hypervisor.DomainSpec;
import io.herd.agent.hypervisor.HerdDomain;
import io.herd.agent.testing.FakeHypervisor;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Copies the controller names are destroyed; nothing else is, and bad ids are ignored. */
class StaleCopiesTest {

    @Test
    void destroysTheNamedDomainsOnly() throws Exception {
        FakeHypervisor hypervisor = new FakeHypervisor();
        UUID stale = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        hypervisor.launch(new DomainSpec(stale, "moved", 1, 64, 0, "", "", ""));
        hypervisor.launch(new DomainSpec(kept, "here", 1, 64, 0, "", "", ""));
        AtomicInteger after = new AtomicInteger();
        try (StaleCopies copies = new StaleCopies(hypervisor, after::incrementAndGet)) {
            copies.destroy(List.of("not-a-uuid", stale.toString(), stale.toString()));
            await().until(() -> after.get() >= 1);
            assertThat(hypervisor.listDomains()).extracting(HerdDomain::spec).extracting(DomainSpec::serverId)
                    .containsExactly(kept);
        }
    }
}
