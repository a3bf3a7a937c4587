package signup.cli.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import signup.common.store.DatabaseLocation;

/**
 * Looks at the stores twice a second while a run goes on and keeps the age of the oldest
 * pending thing it saw: a pending client or subscription, an undecided or unfinished sign-up.
 * The design promises none outlives its TTL plus a recovery period while the services are up;
 * under repeated kills this says how long the worst one waited.
 */
final class PendingWatch implements AutoCloseable {
  private static final String[] OLDEST = {
      "SELECT created_at, 'client ' || txn_id FROM clients WHERE status = 'PENDING'"
          + " ORDER BY created_at LIMIT 1",
      "SELECT created_at, 'subscription ' || txn_id FROM subscriptions"
          + " WHERE status = 'PENDING' ORDER BY created_at LIMIT 1",
      "SELECT created_at, state || ' ' || txn_id FROM signup_txn"
          + " WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING') ORDER BY created_at LIMIT 1"};

  private final List<DatabaseLocation> stores;
  private final AtomicLong oldestMillis = new AtomicLong();
  private volatile String oldestWhat = "none";
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "pending-watch");
        thread.setDaemon(true);
        return thread;
      });

  PendingWatch(Stores stores) {
    this.stores = List.of(stores.client(), stores.subscription(), stores.orchestrator());
    scheduler.scheduleWithFixedDelay(this::look, 500, 500, TimeUnit.MILLISECONDS);
  }

  Duration oldestSeen() {
    return Duration.ofMillis(oldestMillis.get());
  }

  /** Which row it was, e.g. "ABORTING 0a20..." or "client 0a20..." (by txn_id). */
  String oldestWhat() {
    return oldestWhat;
  }

  private void look() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < OLDEST.length; i++) {
      try (Connection c = stores.get(i).openReadOnly();
          Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery(OLDEST[i])) {
        if (rs.next() && now - rs.getLong(1) > oldestMillis.get()) {
          oldestMillis.set(now - rs.getLong(1));
          oldestWhat = rs.getString(2);
        }
      } catch (SQLException e) {
        // busy or not created yet: the next look will do
      }
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
