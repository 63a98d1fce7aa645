/**
 * What herd's programs share and must agree on: the rules a launch request is held to
 * ({@link io.herd.common.LaunchRules}, {@link io.herd.common.LaunchLimits}), checked by the
 * controller before it claims anything and by the agent before it touches libvirt. Plain
 * Java; imports no gRPC, protobuf, JDBC or libvirt.
 */
package io.herd.common;
