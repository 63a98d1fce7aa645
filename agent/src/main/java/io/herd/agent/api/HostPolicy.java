package io.herd.agent.api;

/**
 * What the operator holds back and how far the host may be over-committed (from config),
 * reported with the host's capacity so the controller can compute what is left.
 */
public record HostPolicy(int reservedCpus, long reservedMemoryMib, long reservedDiskGib,
                         double cpuAllocationRatio, double ramAllocationRatio) {}
