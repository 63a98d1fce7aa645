-- Flavors: named sizes servers are created from. A server keeps the name of the flavor it was
-- created from ('' when it was given sizes of its own) and the user's metadata, a JSON object
-- of string values in the order given ('{}' when none); servers made before this version get
-- those defaults. Portable SQL: the same history serves SQLite and PostgreSQL.
CREATE TABLE flavors (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    vcpus         INTEGER NOT NULL,
    memory_mib    INTEGER NOT NULL,
    disk_gib      INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL
);

ALTER TABLE servers ADD COLUMN flavor TEXT NOT NULL DEFAULT '';

ALTER TABLE servers ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
