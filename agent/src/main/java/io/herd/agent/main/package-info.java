/**
 * Process wiring: {@link io.herd.agent.main.AgentMain} parses {@code --config FILE} and
 * overrides, {@link io.herd.agent.main.AgentRuntime} builds the hypervisor, the gRPC server
 * (AgentService, server reflection, grpc.health.v1, optional mutual TLS) and the heartbeat
 * sender, and stops them in order. Must not import {@code org.libvirt}.
 */
package io.herd.agent.main;
