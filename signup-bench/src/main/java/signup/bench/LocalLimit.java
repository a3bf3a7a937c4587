package signup.bench;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import signup.common.domain.DaemonThreads;
import signup.common.store.Database;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseSpec;
import signup.common.store.PostgresDatabase;
import signup.common.store.SqliteDatabase;
import signup.common.store.WriteStats;

/**
 * The local limit: the fastest one process can do the durable work of a sign-up on this
 * machine. Per sign-up, the same Argon2id hash (on a pool as large as client-server's), then one
 * client row and one subscription row in one transaction on the services' store: through the
 * project's own group-committing {@link SqliteDatabase} with the same pragmas (WAL,
 * synchronous=FULL), or {@link PostgresDatabase} with the same pools and isolation. No network,
 * no second process, no protocol: what is left when the distribution is taken away.
 */
final class LocalLimit implements AutoCloseable {
  private final Database db;
  private final LocalLimitParts.Hasher hasher;
  private final String runId;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * Opens (creating and migrating it) the database at {@code location} with the participants'
   * tables; hashes with {@code hasher}, which it closes.
   */
  LocalLimit(DatabaseLocation location, DatabaseSpec schema, LocalLimitParts.Hasher hasher,
      String runId) {
    this.db = location.open(schema);
    this.hasher = hasher;
    this.runId = runId;
  }

  /**
   * Sign-ups from {@code concurrency} threads, as many as the protocol's callers: each thread
   * waits for its hash and then for its commit, as a request thread of client-server does.
   */
  Steps workload(int concurrency) {
    return new Steps(concurrency);
  }

  private void signUpOnce() {
    SignupMix.Details details = SignupMix.details(runId, sequence.incrementAndGet());
    String hash = hasher.hash(SignupMix.PASSWORD);
    String clientId = UUID.randomUUID().toString();
    String txnId = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    db.write(h -> {
      h.createUpdate("""
              INSERT INTO clients (client_id, txn_id, email, name, password_hash, region, device,
                                   status, created_at, confirmed_at)
              VALUES (:client, :txn, :email, :name, :hash, :region, :device, 'CONFIRMED', :now,
                      :now)""")
          .bind("client", clientId)
          .bind("txn", txnId)
          .bind("email", details.email())
          .bind("name", SignupMix.NAME)
          .bind("hash", hash)
          .bind("region", details.region())
          .bind("device", details.device().name())
          .bind("now", now)
          .execute();
      h.createUpdate("""
              INSERT INTO subscriptions (subscription_id, txn_id, client_id, plan_id, region,
                                         device, status, created_at, updated_at)
              VALUES (:id, :txn, :client, :plan, :region, :device, 'ACTIVE', :now, :now)""")
          .bind("id", UUID.randomUUID().toString())
          .bind("txn", txnId)
          .bind("client", clientId)
          .bind("plan", details.planId())
          .bind("region", details.region())
          .bind("device", details.device().name())
          .bind("now", now)
          .execute();
      return null;
    });
  }

  /**
   * How its database grouped the writes so far; empty on PostgreSQL, whose server groups the
   * commits itself.
   */
  Optional<WriteStats> writeStats() {
    return db instanceof SqliteDatabase sqlite ? Optional.of(sqlite.writeStats())
        : Optional.empty();
  }

  @Override
  public void close() {
    hasher.close();
    db.close();
  }

  /** The local sign-ups at one concurrency; closing it stops its threads. */
  final class Steps implements Workload, AutoCloseable {
    private final ExecutorService threads;

    private Steps(int concurrency) {
      // The closed loop starts a sign-up only when one ends, so at most `concurrency` are
      // queued or running: a bound of that many, and one more is a bug, refused.
      this.threads = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(concurrency), DaemonThreads.numbered("local-limit"));
    }

    @Override
    public CompletableFuture<Void> start() {
      return CompletableFuture.runAsync(LocalLimit.this::signUpOnce, threads);
    }

    @Override
    public String classify(Throwable failure) {
      return failure.getClass().getSimpleName();
    }

    @Override
    public void close() throws InterruptedException {
      threads.shutdown();
      threads.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
