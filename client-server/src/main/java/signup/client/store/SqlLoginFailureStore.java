package signup.client.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import signup.client.domain.LoginFailureStore;
import signup.common.store.Database;

/** Log-in attempts in the client database (SQLite or PostgreSQL), so that a restart forgives nothing. */
public final class SqlLoginFailureStore implements LoginFailureStore {
  private final Database db;

  public SqlLoginFailureStore(Database db) {
    this.db = db;
  }

  @Override
  public Map<String, Failures> countAttempt(List<String> keys, Instant now,
      Instant windowStartedBefore) {
    return db.write(h -> {
      long cutoff = windowStartedBefore.toEpochMilli();
      Map<String, Failures> counted = new HashMap<>();
      for (String key : keys) {
        // The stored row's columns named with the table's name: PostgreSQL finds a bare
        // window_start ambiguous (the stored row's or the one proposed for insertion).
        h.createUpdate("""
                INSERT INTO login_failures (throttle_key, failures, window_start)
                VALUES (:key, 1, :now)
                ON CONFLICT (throttle_key) DO UPDATE SET
                  failures = CASE WHEN login_failures.window_start <= :cutoff THEN 1
                                  ELSE login_failures.failures + 1 END,
                  window_start = CASE WHEN login_failures.window_start <= :cutoff THEN :now
                                      ELSE login_failures.window_start END""")
            .bind("key", key)
            .bind("now", now.toEpochMilli())
            .bind("cutoff", cutoff)
            .execute();
        counted.put(key, h.createQuery(
                "SELECT failures, window_start FROM login_failures WHERE throttle_key = :key")
            .bind("key", key)
            .map((rs, ctx) -> new Failures(rs.getInt("failures"),
                Instant.ofEpochMilli(rs.getLong("window_start"))))
            .one());
      }
      // Windows that ended count for nothing: dropped here, so the table stays the size of
      // the recent attempts.
      h.createUpdate("DELETE FROM login_failures WHERE window_start < :cutoff")
          .bind("cutoff", cutoff)
          .execute();
      return counted;
    });
  }

  @Override
  public void succeeded(String resetKey, List<String> takeBackKeys) {
    db.write(h -> {
      h.createUpdate("DELETE FROM login_failures WHERE throttle_key = :key")
          .bind("key", resetKey)
          .execute();
      for (String key : takeBackKeys) {
        h.createUpdate("UPDATE login_failures SET failures = failures - 1"
                + " WHERE throttle_key = :key AND failures > 0")
            .bind("key", key)
            .execute();
      }
      return null;
    });
  }
}
