-- herd-controller state. Times are milliseconds since the Unix epoch (UTC).
CREATE TABLE server_groups (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    policy         TEXT NOT NULL,
    scope          TEXT NOT NULL,
    max_per_domain INTEGER NOT NULL,
    created_at_ms  INTEGER NOT NULL
);

CREATE TABLE hosts (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    rack                 TEXT NOT NULL,
    zone                 TEXT NOT NULL,
    agent_address        TEXT NOT NULL,
    cpus                 INTEGER NOT NULL,
    memory_mib           INTEGER NOT NULL,
    disk_free_gib        INTEGER NOT NULL,
    disk_total_gib       INTEGER NOT NULL,
    reserved_cpus        INTEGER NOT NULL,
    reserved_memory_mib  INTEGER NOT NULL,
    reserved_disk_gib    INTEGER NOT NULL,
    cpu_allocation_ratio REAL NOT NULL,
    ram_allocation_ratio REAL NOT NULL,
    foreign_vcpus        INTEGER NOT NULL,
    foreign_memory_mib   INTEGER NOT NULL,
    foreign_disk_gib     INTEGER NOT NULL,
    acceleration         TEXT NOT NULL,
    agent_version        TEXT NOT NULL,
    schedulable          INTEGER NOT NULL,
    unschedulable_reason TEXT NOT NULL,
    last_heartbeat_ms    INTEGER NOT NULL
);

CREATE TABLE servers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    group_id       TEXT NOT NULL,
    host_id        TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_message  TEXT NOT NULL,
    vcpus          INTEGER NOT NULL,
    memory_mib     INTEGER NOT NULL,
    disk_gib       INTEGER NOT NULL,
    image          TEXT NOT NULL,
    network        TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL
);

CREATE INDEX servers_by_group ON servers (group_id);
CREATE INDEX servers_by_host ON servers (host_id);

-- Idempotency keys of CreateServers: the servers each request created (comma-separated ids).
CREATE TABLE create_requests (
    request_id    TEXT PRIMARY KEY,
    server_ids    TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
