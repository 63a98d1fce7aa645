/**
 * The OpenStack compute API subset (Nova's {@code /v2.1}) on the controller's own HTTP port,
 * so that OpenStack tools work against herd unchanged: version discovery, microversion
 * negotiation and {@code os-server-groups}, with Nova's status codes and fault bodies. Like
 * the gRPC {@code api} package it validates, makes one call into the core and maps the
 * answer; it holds no business logic. Jetty (core, no servlets) serves HTTP and Jackson
 * writes and reads JSON; nothing is parsed by hand. The port's requests (the web console's
 * too) are counted and timed by route ({@code HttpPortMetrics}, {@code PortRoutes}) in the
 * controller's Prometheus registry. Imports the core and the auth package, never gRPC,
 * protobuf or JDBC.
 */
package io.herd.controller.nova;
