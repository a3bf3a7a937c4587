-- The sign-up transaction log: one row per sign-up, from TRYING to DONE or ABORTED. Times are
-- Unix epoch milliseconds.
CREATE TABLE signup_txn (
  txn_id            TEXT PRIMARY KEY,
  request_id        TEXT UNIQUE,
  fingerprint       TEXT,
  state             TEXT NOT NULL
      CHECK (state IN ('TRYING', 'COMMITTING', 'DONE', 'ABORTING', 'ABORTED')),
  client_id         TEXT,
  email             TEXT,
  name              TEXT,
  region            TEXT,
  device            TEXT,
  client_created_at BIGINT,
  subscription_id   TEXT,
  plan_id           TEXT,
  plan_name         TEXT,
  plan_region       TEXT,
  plan_device       TEXT,
  amount_minor      BIGINT,
  currency          TEXT,
  failure_kind      TEXT,
  failure_message   TEXT,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  deadline_at       BIGINT NOT NULL
);
CREATE INDEX signup_txn_unfinished ON signup_txn (state, deadline_at)
  WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING');
