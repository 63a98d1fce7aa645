-- herd-controller state, PostgreSQL. The same versions and descriptions as db/migration/sqlite;
-- the types say what SQLite's dynamic typing leaves implicit: times are milliseconds since the
-- Unix epoch (UTC) in BIGINT (INTEGER is 32-bit here), sizes in MiB/GiB in BIGINT, allocation
-- ratios in DOUBLE PRECISION (REAL is 4 bytes here). Flags stay INTEGER 0/1, as in SQLite, so
-- both stores share their SQL. Keys and sorted names use the "C" collation: byte order, as
-- SQLite compares text, whatever the database's default collation is.
CREATE TABLE server_groups (
    id             TEXT COLLATE "C" PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL UNIQUE,
    policy         TEXT NOT NULL,
    scope          TEXT NOT NULL,
    max_per_domain INTEGER NOT NULL,
    created_at_ms  BIGINT NOT NULL
);

CREATE TABLE hosts (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    name                 TEXT NOT NULL,
    rack                 TEXT NOT NULL,
    zone                 TEXT NOT NULL,
    agent_address        TEXT NOT NULL,
    cpus                 INTEGER NOT NULL,
    memory_mib           BIGINT NOT NULL,
    disk_free_gib        BIGINT NOT NULL,
    disk_total_gib       BIGINT NOT NULL,
    reserved_cpus        INTEGER NOT NULL,
    reserved_memory_mib  BIGINT NOT NULL,
    reserved_disk_gib    BIGINT NOT NULL,
    cpu_allocation_ratio DOUBLE PRECISION NOT NULL,
    ram_allocation_ratio DOUBLE PRECISION NOT NULL,
    foreign_vcpus        INTEGER NOT NULL,
    foreign_memory_mib   BIGINT NOT NULL,
    foreign_disk_gib     BIGINT NOT NULL,
    acceleration         TEXT NOT NULL,
    agent_version        TEXT NOT NULL,
    schedulable          INTEGER NOT NULL,
    unschedulable_reason TEXT NOT NULL,
    last_heartbeat_ms    BIGINT NOT NULL
);

CREATE TABLE servers (
    id             TEXT COLLATE "C" PRIMARY KEY,
    name           TEXT NOT NULL,
    group_id       TEXT COLLATE "C" NOT NULL,
    host_id        TEXT COLLATE "C" NOT NULL,
    state          TEXT NOT NULL,
    state_message  TEXT NOT NULL,
    vcpus          INTEGER NOT NULL,
    memory_mib     BIGINT NOT NULL,
    disk_gib       BIGINT NOT NULL,
    image          TEXT NOT NULL,
    network        TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    updated_at_ms  BIGINT NOT NULL
);

CREATE INDEX servers_by_group ON servers (group_id);
CREATE INDEX servers_by_host ON servers (host_id);

-- Idempotency keys of CreateServers: the servers each request created (comma-separated ids).
CREATE TABLE create_requests (
    request_id    TEXT COLLATE "C" PRIMARY KEY,
    server_ids    TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
