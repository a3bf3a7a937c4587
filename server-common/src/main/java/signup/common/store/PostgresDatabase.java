package signup.common.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.DaemonThreads;
import signup.common.domain.OverloadedException;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.StoreUnavailableException.Reason;
import signup.common.domain.WriteConflictException;
import signup.common.logging.LogContext;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * One service's database on a PostgreSQL server, shared by all the replicas of the service.
 *
 * <p>Each write is a SERIALIZABLE transaction of its own on a pooled connection (HikariCP): the
 * server groups concurrent commits into one WAL flush by itself, so there is no writer thread
 * to batch them as on SQLite. Serializable, so that a unit of work means on PostgreSQL exactly
 * what it means on SQLite's single writer, where units run one after the other; a unit the
 * server cannot fit into a serial order fails with SQLSTATE 40001 and is run again (the
 * PostgreSQL-compatible distributed databases report their conflicts the same way). The
 * protocol's hot writes ({@link #writeGuardedAsync}: each statement decides on its own rows)
 * run at READ COMMITTED instead, which they need no more than: under SERIALIZABLE, PostgreSQL's
 * per-page predicate locks on time-ordered keys made most of them conflict with each other
 * (37,123 refused runs in a 100 s bench at 64 in flight, BENCHMARKS.md). No advisory lock is
 * taken by our code. Reads run on a pool of read-only connections at READ
 * COMMITTED: each is one statement, which sees one committed state.
 *
 * <p>A server that cannot be reached turns the database not writable ({@link Writability}):
 * calls fail at once with {@link StoreUnavailableException} (UNAVAILABLE) instead of each
 * waiting for a connection, and a test write every half second finds when it is back.
 */
public final class PostgresDatabase implements Database {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
  /**
   * Connections for writes, and threads running {@link #writeAsync}'s: enough to keep a 2-core
   * server busy; six replicas use 72 of PostgreSQL's default 100 connections with the readers.
   */
  static final int WRITERS = 8;
  static final int READERS = 4;
  /** Asynchronous writes waiting for a connection; one more is refused (RESOURCE_EXHAUSTED). */
  static final int QUEUE = 4096;
  /** How long a call waits for a free connection of a busy pool. */
  static final Duration CONNECTION_WAIT = Duration.ofSeconds(2);
  /** Runs of one unit of work that the server may refuse for a serialization failure. */
  static final int ATTEMPTS = 10;
  private static final String READ_COMMITTED_ONLY =
      "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";

  /** The level a write runs at: see {@link Database#writeGuardedAsync}. */
  private enum Isolation {
    SERIALIZABLE(null),
    READ_COMMITTED(READ_COMMITTED_ONLY),
    // One round trip for both: the driver sends statements joined by ';' together.
    READ_COMMITTED_UNSYNCED(READ_COMMITTED_ONLY + "; SET LOCAL synchronous_commit = off");

    /** What the transaction runs first to be this; null for the connection's default. */
    final String firstStatement;

    Isolation(String firstStatement) {
      this.firstStatement = firstStatement;
    }
  }

  private final DatabaseSpec spec;
  private final String where;
  private final String replica = ReplicaNames.next();
  private final HikariDataSource writers;
  private final HikariDataSource readers;
  private final Jdbi writeJdbi;
  private final Jdbi readJdbi;
  private final ThreadPoolExecutor asyncWriters;
  /** The same threads, each write run (and its caller answered) in its caller's MDC. */
  private final Executor asyncWritersInContext;
  private final Writability writability;
  private final ScheduledExecutorService prober;
  private volatile WriteObserver writeObserver = WriteObserver.NONE;
  private final LongAdder conflicts = new LongAdder();

  private PostgresDatabase(DatabaseSpec spec, String where, HikariDataSource writers,
      HikariDataSource readers) {
    this.spec = spec;
    this.where = where;
    this.writers = writers;
    this.readers = readers;
    this.writeJdbi = JdbiDefaults.configure(Jdbi.create(writers));
    this.readJdbi = JdbiDefaults.configure(Jdbi.create(readers));
    this.asyncWriters = new ThreadPoolExecutor(WRITERS, WRITERS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE), DaemonThreads.numbered(spec.name() + "-db-writer"));
    // Started now, by the thread opening the database: a pool thread is made by whichever
    // thread submits the write that needs it, and inherits that thread's CPU priority (a
    // client-server's password hasher, at nice 10, chains its reserve's write to its hash).
    asyncWriters.prestartAllCoreThreads();
    this.asyncWritersInContext = LogContext.carrying(asyncWriters);
    this.writability = new Writability(spec.name(), "at " + where, () -> Long.MAX_VALUE);
    this.prober = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named(spec.name() + "-db-probe"));
    long every = Writability.PROBE_INTERVAL.toMillis();
    prober.scheduleWithFixedDelay(this::probeIfDue, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Connects, checks that the database is this service's (claiming it when empty), migrates it,
   * and opens the pools.
   *
   * @throws DatabaseUnusableException when the server cannot be reached or refuses the login,
   *     or the database belongs to another service, holds tables of something else, has a newer
   *     schema than this code knows, or was migrated by scripts since edited
   */
  public static PostgresDatabase open(DatabaseSpec spec, PostgresServer server) {
    String where = server.describe();
    HikariDataSource writers = null;
    HikariDataSource readers = null;
    try {
      PGSimpleDataSource direct = dataSource(spec, server);
      String schema;
      try (Connection connection = direct.getConnection()) {
        PostgresOwnership.checkAndClaim(spec, where, connection);
        schema = SchemaMigrator.migrate(spec, Dialect.POSTGRESQL, where, direct, connection, 0);
      }
      writers = pool(spec, direct, "writers", WRITERS, false);
      readers = pool(spec, direct, "readers", READERS, true);
      PostgresDatabase db = new PostgresDatabase(spec, where, writers, readers);
      log.info("{} database ready at {} (schema {}, PostgreSQL), this replica is {}",
          spec.name(), where, schema, db.replica);
      return db;
    } catch (DatabaseUnusableException e) {
      closeQuietly(writers, readers);
      throw e;
    } catch (SQLException | PoolInitializationException e) {
      closeQuietly(writers, readers);
      throw new DatabaseUnusableException("cannot reach the " + spec.name() + " database at "
          + where + ": " + firstLine(rootMessage(e)), e);
    } catch (RuntimeException e) {
      closeQuietly(writers, readers);
      throw new DatabaseUnusableException("cannot open the " + spec.name() + " database at "
          + where + ": " + firstLine(rootMessage(e)), e);
    }
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public String replica() {
    return replica;
  }

  /**
   * Runs {@code work} in a serializable transaction of its own on the caller's thread, again
   * when the server reports a serialization failure (up to {@value #ATTEMPTS} runs in all, then
   * {@link WriteConflictException}).
   */
  @Override
  public <T> T write(Function<Handle, T> work) {
    Consumer<Throwable> done = writeObserver.queued();
    try {
      T value = writeNow(Isolation.SERIALIZABLE, work);
      done.accept(null);
      return value;
    } catch (RuntimeException | Error e) {
      done.accept(e);
      throw e;
    }
  }

  private <T> T writeNow(Isolation isolation, Function<Handle, T> work) {
    requireWritable();
    for (int attempt = 1; ; attempt++) {
      try {
        return writeJdbi.inTransaction(handle -> {
          if (isolation.firstStatement != null) {
            // For this transaction only, so the pool's connections stay SERIALIZABLE: one
            // statement, where changing the session's level and back would take two.
            handle.execute(isolation.firstStatement);
          }
          return work.apply(handle);
        });
      } catch (RuntimeException e) {
        if (serializationFailure(e)) {
          conflicts.increment();
          if (attempt == ATTEMPTS) {
            throw new WriteConflictException(spec.name(), ATTEMPTS, e);
          }
          // Backs off a little, at random, so that two replicas' runs stop meeting.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
              ThreadLocalRandom.current().nextInt(1, 5 * attempt + 1)));
          continue;
        }
        throw translate(e);
      }
    }
  }

  /** {@link #write} on one of {@value #WRITERS} threads of the database's own. */
  @Override
  public <T> CompletableFuture<T> writeAsync(Function<Handle, T> work) {
    return writeAsync(Isolation.SERIALIZABLE, work);
  }

  /** {@link #writeAsync} at READ COMMITTED: see {@link Database#writeGuardedAsync}. */
  @Override
  public <T> CompletableFuture<T> writeGuardedAsync(Function<Handle, T> work) {
    return writeAsync(Isolation.READ_COMMITTED, work);
  }

  /** {@link #writeGuardedAsync} with {@code synchronous_commit} off for its transaction. */
  @Override
  public <T> CompletableFuture<T> writeRedoableAsync(Function<Handle, T> work) {
    return writeAsync(Isolation.READ_COMMITTED_UNSYNCED, work);
  }

  private <T> CompletableFuture<T> writeAsync(Isolation isolation,
      Function<Handle, T> work) {
    Consumer<Throwable> done = writeObserver.queued();
    CompletableFuture<T> result;
    try {
      result = CompletableFuture.supplyAsync(() -> writeNow(isolation, work),
          asyncWritersInContext);
    } catch (RejectedExecutionException e) {
      result = CompletableFuture.failedFuture(asyncWriters.isShutdown()
          ? new IllegalStateException("the " + spec.name() + " database is closed")
          : new OverloadedException("the " + spec.name() + " database has " + QUEUE
              + " writes waiting already; try again later"));
    }
    if (done != WriteObserver.NONE_DONE) {
      result.whenComplete((value, failure) -> done.accept(failure));
    }
    return result;
  }

  @Override
  public void observeWrites(WriteObserver observer) {
    this.writeObserver = observer;
  }

  /**
   * Runs of writes the server refused for a serialization failure or a deadlock since the
   * start, each run again or, the last time, answered {@link WriteConflictException}.
   */
  public long writeConflicts() {
    return conflicts.sum();
  }

  /** Threads of the asynchronous writes' pool now; for tests. */
  int writerThreads() {
    return asyncWriters.getPoolSize();
  }

  /** Asynchronous writes waiting for a thread and a connection right now. */
  public int queuedWrites() {
    return asyncWriters.getQueue().size();
  }

  @Override
  public <T> T read(Function<Handle, T> work) {
    try {
      return readJdbi.withHandle(work::apply);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  @Override
  public void onWritableChange(Consumer<Boolean> listener) {
    writability.listen(listener);
  }

  @Override
  public boolean writable() {
    return writability.writable();
  }

  /** Finishes the asynchronous writes under way, then closes every connection. */
  @Override
  public void close() {
    prober.shutdownNow();
    asyncWriters.shutdown();
    try {
      if (!asyncWriters.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("{} database: writes still running after 10 s; closing anyway", spec.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(writers, readers);
    log.info("{} database closed", spec.name());
  }

  /** Refuses at once while the server is known to be unreachable: no wait for a connection. */
  private void requireWritable() {
    Reason reason = writability.reason();
    if (reason != null) {
      throw new StoreUnavailableException(spec.name(), reason, null);
    }
  }

  /**
   * The failure as the caller should see it: a fault of the server's (unreachable, disk full)
   * as {@link StoreUnavailableException}, which also turns the database not writable; no free
   * connection as {@link OverloadedException}; anything else (a domain exception thrown by the
   * work, a constraint the store did not translate) as it was.
   */
  private RuntimeException translate(RuntimeException failure) {
    Optional<Reason> fault = StorageFaults.of(failure);
    if (fault.isPresent()) {
      writability.lost(fault.get(), failure);
      return new StoreUnavailableException(spec.name(), fault.get(), failure);
    }
    if (StorageFaults.poolExhausted(failure)) {
      return new OverloadedException("the " + spec.name() + " database had no free connection "
          + "for " + CONNECTION_WAIT.toMillis() + " ms; try again later");
    }
    return failure;
  }

  /** While writes fail, a test write every so often tells when the server takes them again. */
  private void probeIfDue() {
    if (!writability.probeDue()) {
      return;
    }
    try {
      writeJdbi.useTransaction(handle -> handle.execute(PostgresOwnership.TEST_WRITE));
    } catch (RuntimeException failure) {
      Optional<Reason> fault = StorageFaults.of(failure);
      if (fault.isPresent()) {
        writability.lost(fault.get(), failure);
      } else {
        log.debug("{} database: the test write failed: {}", spec.name(), failure.getMessage());
      }
      return;
    }
    writability.regained();
  }

  /** SQLSTATE 40001 (serialization_failure) or 40P01 (deadlock_detected), anywhere inside. */
  static boolean serializationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The driver's connection settings: who we are in {@code pg_stat_activity}, bounded waits,
   * and no row values in error messages (a failing row of client-server holds a password hash).
   */
  private static PGSimpleDataSource dataSource(DatabaseSpec spec, PostgresServer server) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(server.url());
    if (!server.user().isEmpty()) {
      source.setUser(server.user());
    }
    if (!server.password().isEmpty()) {
      source.setPassword(server.password());
    }
    source.setApplicationName("signup-" + spec.name());
    source.setLogServerErrorDetail(false);
    source.setConnectTimeout(5);
    // A server that vanished from the network (no reset) must not hold a call for ever; every
    // statement of ours takes milliseconds.
    source.setSocketTimeout(30);
    source.setTcpKeepAlive(true);
    return source;
  }

  private static HikariDataSource pool(DatabaseSpec spec, PGSimpleDataSource direct,
      String role, int size, boolean readOnly) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(spec.name() + "-" + role);
    config.setDataSource(direct);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(2, size));
    config.setConnectionTimeout(CONNECTION_WAIT.toMillis());
    config.setValidationTimeout(1_000);
    config.setReadOnly(readOnly);
    config.setTransactionIsolation(readOnly ? "TRANSACTION_READ_COMMITTED"
        : "TRANSACTION_SERIALIZABLE");
    return new HikariDataSource(config);
  }

  private static void closeQuietly(HikariDataSource... pools) {
    for (HikariDataSource pool : pools) {
      if (pool != null) {
        pool.close();
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  @Override
  public String toString() {
    return spec.name() + " database at " + where;
  }
}
