/**
 * The agent's one configuration record, {@link io.herd.agent.config.AgentConfig}, read from
 * a YAML file plus command-line overrides (herd-runtime's {@code ConfigFile}) and validated
 * at start; a bad value is reported with the key that holds it. Imports neither gRPC nor
 * libvirt.
 */
package io.herd.agent.config;
