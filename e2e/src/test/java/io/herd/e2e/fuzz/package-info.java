/**
 * Hostile-input fuzzing of every RPC that herd serves (the public API, the agent registry and
 * the agent's AgentService), against a real controller and a real agent in the test's JVM.
 * {@link io.herd.e2e.fuzz.HostileInputFuzzTest} is the test; {@link io.herd.e2e.fuzz.FuzzCluster}
 * alone knows how the two programs are started; the generators ({@code Hostile},
 * {@code PublicApiRequests}, {@code AgentRequests}, {@code Payloads}) are jqwik arbitraries; the
 * judges ({@code Verdicts}, {@code LogCapture}, {@code PartialWrites}, {@code ClusterAudit}) read
 * only answers, logs and the public APIs, never the programs' internals.
 */
package io.herd.e2e.fuzz;
