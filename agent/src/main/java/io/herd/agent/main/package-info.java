/**
 * Process wiring: {@link io.herd.agent.main.AgentMain} parses {@code --config FILE} and
 * overrides, {@link io.herd.agent.main.AgentRuntime} builds the hypervisor, the gRPC server
 * (herd-runtime's GrpcServer: AgentService, server reflection, grpc.health.v1; on a Unix
 * socket without TLS, else on TCP, with mutual TLS where {@link io.herd.agent.main.ControllerOnly}
 * lets only a controller's certificate call AgentService; {@link io.herd.agent.main.EpochFence}
 * refuses a deposed leader's calls) and the heartbeat sender, and
 * stops them in order. Must not import {@code org.libvirt}.
 */
package io.herd.agent.main;
