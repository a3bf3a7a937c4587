-- Log-in: the keys that sign access tokens (a JSON Web Key with its private part: this file is
-- readable by its owner only), and the failed log-ins counted per hashed e-mail or address.
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  private_jwk TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE login_failures (
  throttle_key TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);

CREATE INDEX login_failures_by_window ON login_failures (window_start);
