/**
 * The thin gRPC layer of the agent: {@link io.herd.agent.api.AgentServiceImpl} validates a
 * request ({@link io.herd.agent.api.LaunchRequestValidator}), calls the hypervisor once, and
 * maps the result to herd.v1 messages ({@link io.herd.agent.api.ProtoMapper}). No business
 * logic here; must not import {@code org.libvirt}.
 */
package io.herd.agent.api;
