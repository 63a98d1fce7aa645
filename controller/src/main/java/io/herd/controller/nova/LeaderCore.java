package io.herd.controller.nova;

import io.herd.controller.core.ControllerCore;
import java.util.Optional;

/**
 * The core of the term this controller leads, if it leads: on a standby, or while a new
 * leader loads its state, there is none and the compute API answers 503 with the reason.
 */
public interface LeaderCore {

    /** The current term's core; empty when this controller does not lead. */
    Optional<ControllerCore> core();

    /** Why there is no core, naming the leader when it is known. */
    String whyNone();
}
