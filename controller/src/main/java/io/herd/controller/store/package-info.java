/**
 * Durable state: the {@link io.herd.controller.store.Store} interface and its two engines, the
 * embedded SQLite file (WAL + synchronous=FULL) and a shared PostgreSQL database (HikariCP pool,
 * synchronous commits), which run the same SQL ({@code StoreSql}). Schema migrations by Flyway:
 * {@code db/migration/sqlite} and {@code db/migration/postgresql} carry the same versions and
 * descriptions, each in its engine's types; a new migration is added to both. Imports the
 * model, never gRPC, protobuf or the core.
 */
package io.herd.controller.store;
