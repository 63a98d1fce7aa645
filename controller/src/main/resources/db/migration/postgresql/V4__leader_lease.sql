-- Leadership of controllers that share this database: one row, the current term. A controller
-- leads while it holds an unexpired lease; taking over raises the epoch, and every write of a
-- leader checks, in its own transaction, that the epoch is still its own and the lease unexpired.
CREATE TABLE leader_lease (
    id         SMALLINT    PRIMARY KEY CHECK (id = 1),
    epoch      BIGINT      NOT NULL,
    holder     TEXT        NOT NULL,
    address    TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
INSERT INTO leader_lease (id, epoch, holder, address, expires_at) VALUES (1, 0, '', '', '-infinity');
