package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.placement.Resources;
import java.time.Instant;

/**
 * A host with what placement may hand out on it, what herd servers hold, how many there are,
 * and, while it is DOWN with members of EVACUATE groups, when they will be moved (else null).
 */
public record HostView(HostRecord host, Resources allocatable, Resources allocated, int serverCount,
                       Instant evacuateAt) {
}
