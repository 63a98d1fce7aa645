-- Host approval: a host that registers while the controller requires approval takes no
-- servers until an operator approves it. Hosts known before this version are approved.
ALTER TABLE hosts ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
