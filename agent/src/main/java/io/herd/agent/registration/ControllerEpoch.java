package io.herd.agent.registration;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest controller term (epoch) this agent has seen, in a heartbeat answer or in the
 * {@code herd-epoch} header of a call to AgentService. A controller whose term is lower has
 * been deposed: its calls are refused. 0 until a controller with a shared store is heard from.
 */
public final class ControllerEpoch {

    private final AtomicLong highest = new AtomicLong();

    public long highest() {
        return highest.get();
    }

    /** Raises the highest epoch seen to {@code epoch}; returns whether it rose. */
    public boolean observe(long epoch) {
        long before = highest.getAndAccumulate(epoch, Math::max);
        return epoch > before;
    }
}
