package io.herd.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.libvirt.event.DomainEventType;

class OwnEventsTest {

    private final AtomicLong now = new AtomicLong();
    private final OwnEvents own = new OwnEvents(now::get);

    @Test
    void eachExpectedEventIsUsedUpOnce() {
        own.expect("a", DomainEventType.DEFINED, DomainEventType.STARTED);

        assertThat(own.consume("a", DomainEventType.STARTED)).isTrue();
        assertThat(own.consume("a", DomainEventType.STARTED)).as("a second start is news").isFalse();
        assertThat(own.consume("a", DomainEventType.DEFINED)).isTrue();
        assertThat(own.pending()).isZero();
    }

    @Test
    void anotherTypeOrAnotherDomainIsNews() {
        own.expect("a", DomainEventType.DEFINED, DomainEventType.STARTED);

        assertThat(own.consume("a", DomainEventType.STOPPED)).isFalse();
        assertThat(own.consume("b", DomainEventType.STARTED)).isFalse();
        assertThat(own.pending()).isEqualTo(1);
    }

    @Test
    void aCancelledChangeExpectsNothing() {
        own.expect("a", DomainEventType.DEFINED, DomainEventType.STARTED);
        own.cancel("a");

        assertThat(own.consume("a", DomainEventType.DEFINED)).isFalse();
        assertThat(own.pending()).isZero();
    }

    @Test
    void anExpectationThatIsNeverMetLapses() {
        own.expect("a", DomainEventType.STARTED);
        now.addAndGet(OwnEvents.LAPSE.toNanos());
        assertThat(own.pending()).as("still within the lapse").isEqualTo(1);

        now.addAndGet(1);
        assertThat(own.consume("a", DomainEventType.STARTED)).isFalse();
        assertThat(own.pending()).isZero();
    }
}
