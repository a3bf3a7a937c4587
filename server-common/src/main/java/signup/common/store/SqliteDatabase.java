package signup.common.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import signup.common.security.PrivateFiles;

/**
 * One SQLite file: its pragmas, its migrations (Flyway), one long-lived writer connection behind a
 * {@link GroupCommitWriter}, and a small pool of read-only connections.
 *
 * <p>WAL lets readers run beside the writer; {@code synchronous=FULL} makes every acknowledged
 * write survive power loss, but for a batch of redoable writes only ({@link
 * #writeRedoableAsync}), committed at NORMAL. A connection per request costs ~5x here, hence
 * the long-lived ones.
 *
 * <p>The file is created readable by its owner only (0600, and so are SQLite's -wal and -shm,
 * which take the file's mode), in a directory created 0700: client.db holds password hashes,
 * orchestrator.db e-mails and names.
 */
public final class SqliteDatabase implements Database {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
  /** The one process of a SQLite file (see {@link Database#replica}). */
  public static final String REPLICA = "local";
  private static final int READERS = 4;
  private static final int WAL_CHECKPOINT_PAGES = 10_000;

  private final DatabaseSpec spec;
  private final Path file;
  private final Connection writerConnection;
  private final BlockingQueue<Connection> readers;
  private final Jdbi readJdbi;
  private final Writability writability;
  private final GroupCommitWriter writer;
  private volatile WriteObserver writeObserver = WriteObserver.NONE;

  private SqliteDatabase(DatabaseSpec spec, Path file, Connection writerConnection,
      BlockingQueue<Connection> readers, Synchronous synchronous) {
    this.spec = spec;
    this.file = file;
    this.writerConnection = writerConnection;
    this.readers = readers;
    this.readJdbi = JdbiDefaults.configure(Jdbi.create(new PooledConnections(readers)));
    Jdbi writerJdbi =
        JdbiDefaults.configure(Jdbi.create(new PooledConnections(single(writerConnection))));
    writerJdbi.setStatementBuilderFactory(connection -> new PreparedStatementCache());
    this.writability = new Writability(spec.name(), file);
    this.writer = new GroupCommitWriter(spec.name(), writerJdbi, writability,
        synchronous == Synchronous.FULL, handle -> {
          try {
            WriteAccess.testWrite(handle.getConnection());
          } catch (SQLException e) {
            throw new IllegalStateException("the test write failed", e);
          }
        });
  }

  /** How hard SQLite works to make a commit durable. FULL unless a benchmark says otherwise. */
  public enum Synchronous { FULL, NORMAL }

  /**
   * Opens (creating it and its directory if missing) and migrates the database at {@code file}.
   *
   * @throws DatabaseUnusableException when the file is not a database of this kind, is corrupt,
   *     has a newer schema than this code knows, was migrated by scripts since edited, or
   *     cannot be written (a test write at start: SQLite opens a file it may not write
   *     read-only, without a word, and every write would fail later)
   */
  public static SqliteDatabase open(DatabaseSpec spec, Path file) {
    return open(spec, file, Synchronous.FULL);
  }

  public static SqliteDatabase open(DatabaseSpec spec, Path file, Synchronous synchronous) {
    Path absolute = file.toAbsolutePath();
    Connection writerConnection = null;
    BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    try {
      WriteAccess.prepare(spec, absolute);
      String url = "jdbc:sqlite:" + absolute;
      writerConnection = connect(url, synchronous, false);
      int legacyVersion = SchemaGuard.checkAndClaim(spec, absolute, writerConnection);
      // Only now that the file is known to be ours: switching to WAL rewrites its header.
      useWal(writerConnection);
      String schema = SchemaMigrator.migrate(spec, absolute, writerConnection, legacyVersion);
      WriteAccess.testAtStart(spec, absolute, writerConnection);
      restrictToOwner(absolute);
      for (int i = 0; i < READERS; i++) {
        readers.add(connect(url, synchronous, true));
      }
      log.info("{} database ready at {} (schema {}, journal WAL, synchronous {})",
          spec.name(), absolute, schema, synchronous);
      return new SqliteDatabase(spec, absolute, writerConnection, readers, synchronous);
    } catch (DatabaseUnusableException e) {
      closeQuietly(writerConnection, readers);
      throw e;
    } catch (AccessDeniedException e) {
      closeQuietly(writerConnection, readers);
      throw new DatabaseUnusableException("cannot open the " + spec.name() + " database at "
          + absolute + ": permission denied on " + e.getFile(), e);
    } catch (Exception e) {
      closeQuietly(writerConnection, readers);
      throw new DatabaseUnusableException(
          "cannot open the " + spec.name() + " database at " + absolute + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Dialect dialect() {
    return Dialect.SQLITE;
  }

  @Override
  public String replica() {
    return REPLICA;
  }

  /**
   * Runs {@code work} atomically on the writer and returns once it is durably committed. Work
   * from concurrent callers shares one transaction and one fsync (group commit); an exception
   * from {@code work} undoes only that caller's writes and is rethrown to it.
   */
  @Override
  public <T> T write(Function<Handle, T> work) {
    Consumer<Throwable> done = writeObserver.queued();
    try {
      T value = writer.write(work);
      done.accept(null);
      return value;
    } catch (RuntimeException | Error e) {
      done.accept(e);
      throw e;
    }
  }

  /**
   * {@link #write} without waiting: the future completes once {@code work} is durably committed
   * (or failed, having written nothing). It completes on the writer's own thread, which commits
   * for everyone: what is chained to it must be quick and must not block, nor write.
   */
  @Override
  public <T> CompletableFuture<T> writeAsync(Function<Handle, T> work) {
    return queue(work, false);
  }

  /**
   * {@link #writeAsync}, and a group commit made only of such writes commits at
   * {@code synchronous=NORMAL}: see {@link Database#writeRedoableAsync}.
   */
  @Override
  public <T> CompletableFuture<T> writeRedoableAsync(Function<Handle, T> work) {
    return queue(work, true);
  }

  private <T> CompletableFuture<T> queue(Function<Handle, T> work, boolean redoable) {
    Consumer<Throwable> done = writeObserver.queued();
    CompletableFuture<T> result = writer.writeAsync(work, redoable);
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
   * Tells {@code listener} now whether the database takes writes, and again each time that
   * changes: {@code false} once a write failed for a storage fault (disk full, file not
   * writable), {@code true} once a test write succeeds again. Called on the writer's thread.
   */
  @Override
  public void onWritableChange(Consumer<Boolean> listener) {
    writability.listen(listener);
  }

  /** False while writes fail for a storage fault (see {@link #onWritableChange}). */
  @Override
  public boolean writable() {
    return writability.writable();
  }

  /** Runs {@code work} on a read-only connection; it sees only committed data. */
  @Override
  public <T> T read(Function<Handle, T> work) {
    return readJdbi.withHandle(work::apply);
  }

  public Path file() {
    return file;
  }

  /** Writes waiting for the writer right now. */
  public int queuedWrites() {
    return writer.queued();
  }

  /**
   * Tells {@code listener} of every commit from now on: how many writes it carried and how long
   * the commit itself (SQLite's fsync) took. Called on the writer's thread: it must be quick.
   */
  public void onCommit(CommitListener listener) {
    writer.onCommit(listener);
  }

  /** Writes committed so far and in how many commits (logged again when it closes). */
  public WriteStats writeStats() {
    return writer.stats();
  }

  @Override
  public String name() {
    return spec.name();
  }

  /** Finishes queued writes, then closes every connection. */
  @Override
  public void close() {
    writer.close();
    closeQuietly(writerConnection, readers);
    log.info("{} database closed", spec.name());
  }

  /** Tightens a database of ours, and its companions, left readable to others by older runs. */
  private static void restrictToOwner(Path file) {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path companion = file.resolveSibling(file.getFileName() + suffix);
      try {
        if (PrivateFiles.restrictToOwner(companion)) {
          log.info("{}: made readable by its owner only", companion);
        }
      } catch (IOException e) {
        log.warn("{} is readable by others and its mode cannot be changed: {}", companion,
            e.getMessage());
      }
    }
  }

  private static Connection connect(String url, Synchronous synchronous, boolean readOnly)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(synchronous == Synchronous.FULL
        ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(10_000);
    // 64 MiB of page cache per connection (outside the Java heap) rather than SQLite's 2 MiB:
    // with a few hundred thousand rows the indexes outgrow 2 MiB, and the writer then read
    // pages back from the file on most inserts (a profile of the benchmark, BENCHMARKS.md).
    config.setCacheSize(-64 * 1024);
    // Every write runs in savepoints (the group commit's unit, the barrier's txn in a batch),
    // whose undo copies of changed pages SQLite spills past 64 KiB into a temporary file it
    // creates and unlinks in /var/tmp ($SQLITE_TMPDIR or $TMPDIR first) on the writer's thread
    // (a profile of the benchmark found it). A full /var/tmp then failed writes as SQLITE_FULL,
    // reported as this store's disk being full while its own disk had room. In memory they are
    // one batch's changed pages at most, and nothing needs them after a crash: the WAL is what
    // recovers.
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.enforceForeignKeys(true);
    Connection connection = DriverManager.getConnection(url, config.toProperties());
    if (readOnly) {
      // query_only rather than a read-only open, so a reader may still create the -shm file.
      try (var statement = connection.createStatement()) {
        statement.execute("PRAGMA query_only = true");
      }
    }
    return connection;
  }

  private static void useWal(Connection writer) throws SQLException {
    try (var statement = writer.createStatement();
        var rs = statement.executeQuery("PRAGMA journal_mode = WAL")) {
      String mode = rs.next() ? rs.getString(1) : "unknown";
      if (!"wal".equalsIgnoreCase(mode)) {
        log.warn("journal mode is {}, not WAL: readers will wait for writes", mode);
      }
    }
    try (var statement = writer.createStatement()) {
      // A checkpoint copies each page changed since the last one back into the database once,
      // however many commits changed it; the writer's hot pages (the right edges of the
      // indexes) change on every commit, so checkpointing every 10,000 pages rather than every
      // 1,000 writes far fewer pages in all (BENCHMARKS.md). The WAL stays under ~40 MiB.
      statement.execute("PRAGMA wal_autocheckpoint = " + WAL_CHECKPOINT_PAGES);
    }
  }

  private static BlockingQueue<Connection> single(Connection connection) {
    BlockingQueue<Connection> one = new ArrayBlockingQueue<>(1);
    one.add(connection);
    return one;
  }

  private static void closeQuietly(Connection writer, BlockingQueue<Connection> readers) {
    try {
      if (writer != null) {
        writer.close();
      }
    } catch (SQLException e) {
      log.warn("closing the writer connection failed: {}", e.getMessage());
    }
    for (Connection reader : readers) {
      try {
        reader.close();
      } catch (SQLException e) {
        log.warn("closing a reader connection failed: {}", e.getMessage());
      }
    }
  }

  /** Lends long-lived connections to Jdbi handles and takes them back instead of closing them. */
  private record PooledConnections(BlockingQueue<Connection> pool)
      implements org.jdbi.v3.core.ConnectionFactory {
    @Override
    public Connection openConnection() {
      try {
        return pool.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a connection", e);
      }
    }

    @Override
    public void closeConnection(Connection connection) {
      pool.add(connection);
    }
  }

}
