-- The e-mail is stored normalised (lower-case), so UNIQUE covers pending and confirmed clients
-- case-insensitively, across every replica of client-server. Times are Unix epoch milliseconds.
CREATE TABLE clients (
  client_id     TEXT PRIMARY KEY,
  txn_id        TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  region        TEXT NOT NULL,
  device        TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED')),
  created_at    BIGINT NOT NULL,
  confirmed_at  BIGINT
);
