package signup.subscription.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.SchemaScripts;
import signup.common.store.TccBarrier;

/**
 * The subscription database: its identity, and its scripts in {@code db/subscription/<dialect>}.
 */
public final class SubscriptionSchema {
  /** "SUBS" in ASCII: SQLite's application_id, so this server refuses another service's file. */
  public static final int APPLICATION_ID = 0x53554253;

  public static final SchemaScripts SCRIPTS =
      new SchemaScripts("subscription", "classpath:db/subscription");

  public static final DatabaseSpec SPEC = new DatabaseSpec("subscription", APPLICATION_ID,
      List.of(TccBarrier.SCRIPTS, SCRIPTS));

  private SubscriptionSchema() {}
}
