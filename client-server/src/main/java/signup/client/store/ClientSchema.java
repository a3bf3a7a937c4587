package signup.client.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.Migration;
import signup.common.store.TccBarrier;

/** The client database: its identity and its migrations. */
public final class ClientSchema {
  /** "CLNT": SQLite's application_id for this file, so no other server opens it by mistake. */
  public static final int APPLICATION_ID = 0x434C4E54;

  // The e-mail is stored normalised (lower-case), so UNIQUE covers pending and confirmed
  // clients case-insensitively. Times are Unix epoch milliseconds.
  private static final String V1_CLIENTS = """
      CREATE TABLE clients (
        client_id     TEXT PRIMARY KEY,
        txn_id        TEXT NOT NULL UNIQUE,
        email         TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        region        TEXT NOT NULL,
        device        TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED')),
        created_at    INTEGER NOT NULL,
        confirmed_at  INTEGER
      )""";

  // Log-in: the keys that sign access tokens (a JSON Web Key with its private part: this file
  // is readable by its owner only), and the failed log-ins counted per hashed e-mail or address.
  private static final String V2_LOGIN = """
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
      CREATE INDEX login_failures_by_window ON login_failures (window_start)""";

  public static final DatabaseSpec SPEC = new DatabaseSpec("client", APPLICATION_ID, List.of(
      new Migration(1, "clients and the transaction barrier",
          V1_CLIENTS + ";\n" + TccBarrier.SCHEMA),
      new Migration(2, "signing keys and log-in failures", V2_LOGIN)));

  private ClientSchema() {}
}
