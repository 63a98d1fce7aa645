-- Leadership of controllers that share a database (PostgreSQL only: a controller on SQLite is
-- alone and never elects). The table is here so that both engines have the same history.
CREATE TABLE leader_lease (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    epoch      INTEGER NOT NULL,
    holder     TEXT    NOT NULL,
    address    TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
INSERT INTO leader_lease (id, epoch, holder, address, expires_at) VALUES (1, 0, '', '', 0);
