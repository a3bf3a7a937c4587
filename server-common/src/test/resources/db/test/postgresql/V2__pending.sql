-- Rows a participant reserves and confirms beside the TCC barrier's.
CREATE TABLE pending (
  txn_id       TEXT PRIMARY KEY,
  value        TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'PENDING',
  confirmed_at BIGINT
);
