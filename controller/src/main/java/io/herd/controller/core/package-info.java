/**
 * The controller's core: the inventory of hosts, groups and servers (one lock is the
 * serialisation point for placement and claims), the server lifecycle (claim → launch →
 * ACTIVE/ERROR, retries, delete), reconciliation with heartbeats and host liveness. Time
 * comes from an injected {@link java.time.Clock}. Imports the model, the placement engine
 * and the store interface; never gRPC, protobuf, JDBC or libvirt (agents are reached
 * through {@link io.herd.controller.core.AgentPort}).
 */
package io.herd.controller.core;
