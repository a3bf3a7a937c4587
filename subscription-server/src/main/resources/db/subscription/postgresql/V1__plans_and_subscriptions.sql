-- The plans, seeded; a region or device of NULL means any. Times are Unix epoch milliseconds.
CREATE TABLE plans (
  plan_id      TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  region       TEXT,
  device       TEXT CHECK (device IN ('IOS', 'ANDROID', 'WEB')),
  amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency     TEXT NOT NULL,
  rank         INTEGER
);
INSERT INTO plans (plan_id, name, region, device, amount_minor, currency, rank) VALUES
  ('us-ios', 'US iOS', 'US', 'IOS', 999, 'USD', 1),
  ('us-android', 'US Android', 'US', 'ANDROID', 799, 'USD', 2),
  ('global', 'Global', NULL, NULL, 499, 'USD', 3);
CREATE TABLE subscriptions (
  subscription_id TEXT PRIMARY KEY,
  txn_id          TEXT NOT NULL UNIQUE,
  client_id       TEXT NOT NULL UNIQUE,
  plan_id         TEXT NOT NULL REFERENCES plans (plan_id),
  region          TEXT NOT NULL,
  device          TEXT NOT NULL CHECK (device IN ('IOS', 'ANDROID', 'WEB')),
  status          TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE')),
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
