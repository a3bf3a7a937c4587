-- The participants' TCC barrier (TccBarrier): one row per transaction, written in the same
-- transaction as the data it guards. Times are Unix epoch milliseconds.
CREATE TABLE txn_barrier (
  txn_id     TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('RESERVED', 'CONFIRMED', 'CANCELLED')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX txn_barrier_reserved ON txn_barrier (created_at) WHERE state = 'RESERVED';
