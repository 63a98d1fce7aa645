/**
 * The controller's client side of herd.v1.AgentService: the gRPC implementation of
 * {@link io.herd.controller.core.AgentPort}. Imports gRPC and the core's port; nothing else
 * of the controller.
 */
package io.herd.controller.agents;
