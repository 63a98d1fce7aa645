-- Flavors: named sizes servers are created from. A server keeps the name of the flavor it was
-- created from ('' when it was given sizes of its own) and the user's metadata, a JSON object
-- of string values in the order given ('{}' when none); servers made before this version get
-- those defaults. The same changes as db/migration/sqlite/V5, with PostgreSQL's types and
-- collation (metadata stays TEXT, not JSONB, which would not keep the keys' order).
CREATE TABLE flavors (
    id            TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT COLLATE "C" NOT NULL UNIQUE,
    vcpus         INTEGER NOT NULL,
    memory_mib    BIGINT NOT NULL,
    disk_gib      BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

ALTER TABLE servers ADD COLUMN flavor TEXT NOT NULL DEFAULT '';

ALTER TABLE servers ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
