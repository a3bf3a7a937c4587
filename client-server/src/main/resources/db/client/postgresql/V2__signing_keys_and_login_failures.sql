-- Log-in: the keys that sign access tokens (a JSON Web Key with its private part: the database
-- must be readable by client-server's role only), and the failed log-ins counted per hashed
-- e-mail or address. Times are Unix epoch milliseconds. The twin of sqlite/V2.
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  private_jwk TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE login_failures (
  throttle_key TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  window_start BIGINT NOT NULL
);

CREATE INDEX login_failures_by_window ON login_failures (window_start);
