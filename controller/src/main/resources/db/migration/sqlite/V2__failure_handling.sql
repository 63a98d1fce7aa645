-- Host failure handling: a group's choice on host failure, a server's old host during a move,
-- an operator's evacuation of a host, and each server's history of placements and moves.
-- Portable SQL: the same history serves SQLite and PostgreSQL.
ALTER TABLE server_groups ADD COLUMN on_host_failure TEXT NOT NULL DEFAULT 'NONE';

ALTER TABLE servers ADD COLUMN previous_host_id TEXT NOT NULL DEFAULT '';

ALTER TABLE hosts ADD COLUMN evacuation_requested INTEGER NOT NULL DEFAULT 0;

CREATE TABLE server_history (
    server_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    at_ms        BIGINT NOT NULL,
    event        TEXT NOT NULL,
    from_host_id TEXT NOT NULL,
    to_host_id   TEXT NOT NULL,
    message      TEXT NOT NULL,
    PRIMARY KEY (server_id, seq)
);
