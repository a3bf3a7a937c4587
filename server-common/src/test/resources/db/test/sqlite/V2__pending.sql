-- Rows a participant reserves and confirms beside the TCC barrier's.
CREATE TABLE pending (
  txn_id    TEXT PRIMARY KEY,
  value     TEXT NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0
);
