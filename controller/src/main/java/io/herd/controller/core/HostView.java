package io.herd.controller.core;

import io.herd.controller.model.HostRecord;
import io.herd.controller.placement.Resources;

/** A host with what placement may hand out on it, what herd servers hold, and how many there are. */
public record HostView(HostRecord host, Resources allocatable, Resources allocated, int serverCount) {
}
