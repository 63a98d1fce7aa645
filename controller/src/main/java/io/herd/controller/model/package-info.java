/**
 * The controller's records: server groups, servers and hosts as the core keeps them and the
 * store persists them. Plain values; imports nothing from gRPC, protobuf or JDBC.
 */
package io.herd.controller.model;
