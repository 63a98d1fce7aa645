/**
 * The gRPC services of the controller's public API and the agent registry. Each method
 * validates its request (INVALID_ARGUMENT naming the field), makes one call into the core,
 * and maps the answer to protobuf. No business logic here; imports the core, never JDBC.
 */
package io.herd.controller.api;
