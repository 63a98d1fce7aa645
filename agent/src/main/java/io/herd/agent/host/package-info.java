/**
 * Who this host is: its stable id (generated once, kept in the state directory), name,
 * labels and the agent's version. Imports neither gRPC nor libvirt.
 */
package io.herd.agent.host;
