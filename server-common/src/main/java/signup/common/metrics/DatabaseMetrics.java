package signup.common.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import signup.common.store.Database;
import signup.common.store.PostgresDatabase;
import signup.common.store.SqliteDatabase;

/**
 * One database's series, tagged {@code db} with its name: how writes are grouped into commits
 * (what makes it fast), how long each commit's fsync takes, how many writes wait for the writer,
 * and whether it takes writes at all.
 *
 * <p>On PostgreSQL there is no writer of ours to group commits (the server does), so only the
 * writes waiting for a pooled connection, the runs it refused for conflicting with concurrent
 * ones, and whether it takes writes are measured there.
 */
public final class DatabaseMetrics {
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

  private DatabaseMetrics() {}

  public static void bind(Database db, MeterRegistry registry) {
    if (db instanceof SqliteDatabase sqlite) {
      bindCommits(sqlite, registry);
    } else if (db instanceof PostgresDatabase postgres) {
      Gauge.builder("signup.db.writer.queued", postgres, PostgresDatabase::queuedWrites)
          .description("Writes waiting for the database's writer")
          .tag("db", postgres.name())
          .register(registry);
      FunctionCounter.builder("signup.db.write.conflicts", postgres,
              PostgresDatabase::writeConflicts)
          .description("Runs of writes PostgreSQL refused for conflicting with concurrent ones "
              + "(serialization failure, deadlock), each run again")
          .tag("db", postgres.name())
          .register(registry);
    }
    Gauge.builder("signup.db.writable", db, d -> d.writable() ? 1 : 0)
        .description("1 while the database takes writes, 0 while they fail for a storage fault "
            + "(disk full, file not writable)")
        .tag("db", db.name())
        .register(registry);
  }

  private static void bindCommits(SqliteDatabase db, MeterRegistry registry) {
    String name = db.name();
    DistributionSummary batch = DistributionSummary.builder("signup.db.commit.writes")
        .description("Writes carried by each commit of the database's writer (group commit: "
            + "many writes, one fsync)")
        .tag("db", name)
        .serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry);
    Timer commit = Timer.builder("signup.db.commit.duration")
        .description("How long each commit of the database's writer took (SQLite's WAL write "
            + "and fsync)")
        .tag("db", name)
        .serviceLevelObjectives(A66.latencyBuckets())
        .register(registry);
    db.onCommit((writes, nanos) -> {
      batch.record(writes);
      commit.record(nanos, TimeUnit.NANOSECONDS);
    });
    Gauge.builder("signup.db.writer.queued", db, SqliteDatabase::queuedWrites)
        .description("Writes waiting for the database's writer")
        .tag("db", name)
        .register(registry);
  }
}
