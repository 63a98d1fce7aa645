/**
 * Durable state: the {@link io.herd.controller.store.Store} interface and its embedded
 * SQLite implementation (schema migrations by Flyway, WAL + synchronous=FULL). Imports the
 * model, never gRPC, protobuf or the core.
 */
package io.herd.controller.store;
