/**
 * Registration with the controller: {@link io.herd.agent.registration.HeartbeatSender} sends
 * AgentRegistry.Heartbeat every interval (adjustable by the controller's answer), at once on
 * domain lifecycle events, and backs off while the controller is unreachable. Must not import
 * {@code org.libvirt}.
 */
package io.herd.agent.registration;
