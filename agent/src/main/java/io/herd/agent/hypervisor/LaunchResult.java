package io.herd.agent.hypervisor;

/** The domain a launch returned, and whether it was already there. */
public record LaunchResult(HerdDomain domain, boolean alreadyExisted) {}
