package signup.client.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import signup.client.domain.LoginFailureStore;
import signup.common.store.SqliteDatabase;

/** Failed log-ins in client.db, so that a restart forgives nothing. */
public final class SqliteLoginFailureStore implements LoginFailureStore {
  private final SqliteDatabase db;

  public SqliteLoginFailureStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public Optional<Failures> find(String key) {
    return db.read(h -> h.createQuery(
            "SELECT failures, window_start FROM login_failures WHERE throttle_key = :key")
        .bind("key", key)
        .map((rs, ctx) -> new Failures(rs.getInt("failures"),
            Instant.ofEpochMilli(rs.getLong("window_start"))))
        .findOne());
  }

  @Override
  public void recordFailure(List<String> keys, Instant now, Instant windowStartedBefore) {
    db.write(h -> {
      long cutoff = windowStartedBefore.toEpochMilli();
      for (String key : keys) {
        h.createUpdate("""
                INSERT INTO login_failures (throttle_key, failures, window_start)
                VALUES (:key, 1, :now)
                ON CONFLICT (throttle_key) DO UPDATE SET
                  failures = CASE WHEN window_start < :cutoff THEN 1 ELSE failures + 1 END,
                  window_start = CASE WHEN window_start < :cutoff THEN :now
                                      ELSE window_start END""")
            .bind("key", key)
            .bind("now", now.toEpochMilli())
            .bind("cutoff", cutoff)
            .execute();
      }
      // Windows that ended long ago count for nothing: dropped here, so the table stays the
      // size of the recent failures.
      h.createUpdate("DELETE FROM login_failures WHERE window_start < :cutoff")
          .bind("cutoff", cutoff)
          .execute();
      return null;
    });
  }

  @Override
  public void clear(String key) {
    db.write(h -> h.createUpdate("DELETE FROM login_failures WHERE throttle_key = :key")
        .bind("key", key)
        .execute());
  }
}
