package signup.subscription.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.Migration;
import signup.common.store.TccBarrier;

/** The subscription database: its identity and its migrations. */
public final class SubscriptionSchema {
  /** "SUBS" in ASCII: SQLite's application_id, so this server refuses another service's file. */
  public static final int APPLICATION_ID = 0x53554253;

  // Statements are split on ';' by the migration runner: no ';' inside a string literal here.
  private static final String V1 = """
      CREATE TABLE plans (
        plan_id      TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        region       TEXT,
        device       TEXT CHECK (device IN ('IOS', 'ANDROID', 'WEB')),
        amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
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
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      );
      """;

  public static final DatabaseSpec SPEC = new DatabaseSpec("subscription", APPLICATION_ID,
      List.of(new Migration(1, "plans (seeded), subscriptions, txn barrier",
          V1 + TccBarrier.SCHEMA),
      new Migration(2, "finished barrier rows by age, for the retention purge",
          TccBarrier.V2_FINISHED_INDEX)));

  private SubscriptionSchema() {}
}
