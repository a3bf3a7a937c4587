package signup.common.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * One service's database, SQLite or PostgreSQL, as its stores use it: atomic writes, reads of
 * committed data, and whether it takes writes right now. A store written against this runs on
 * either; what the dialects spell differently it asks {@link #dialect()} for.
 *
 * <p>Every write is atomic and durable before it is answered (but for {@link
 * #writeRedoableAsync}, committed but not yet synced when answered): on SQLite many writes
 * share one commit of the single writer ({@link SqliteDatabase}); on PostgreSQL each is a
 * serializable transaction of its own on a pooled connection (READ COMMITTED for the units
 * {@link #writeGuardedAsync} names), retried when the server reports a serialization failure,
 * and the server groups the commits ({@link PostgresDatabase}). So a unit of work must do
 * nothing but database work: it may run more than once.
 */
public interface Database extends AutoCloseable {
  /** The service's name for messages: "client", "orchestrator". */
  String name();

  Dialect dialect();

  /**
   * This process's name among the processes sharing the database: the owner of the rows it
   * claims for work that must not be done twice at once (recovery, sweeps). A SQLite file has
   * one process, always called {@value SqliteDatabase#REPLICA}, so a restart takes its rows
   * back at once; on PostgreSQL each start is a replica of its own (host, process id and a
   * random part), and a restarted one finds its earlier claims held until they expire.
   */
  String replica();

  /**
   * Runs {@code work} atomically and returns once it is durably committed; an exception from
   * {@code work} undoes its writes and is rethrown as is.
   *
   * @throws signup.common.domain.StoreUnavailableException when the database cannot take the
   *     write (disk full, unreachable): nothing was written, the caller may retry
   * @throws signup.common.domain.WriteConflictException when PostgreSQL refused every run of
   *     the write for conflicting with concurrent ones: nothing was written, the caller may retry
   */
  <T> T write(Function<Handle, T> work);

  /**
   * {@link #write} without waiting: the future completes once {@code work} is durably committed
   * (or failed, having written nothing). It completes on a thread of the database's: what is
   * chained to it must be quick and must not block, nor write.
   */
  <T> CompletableFuture<T> writeAsync(Function<Handle, T> work);

  /**
   * {@link #writeAsync} for a unit of work whose statements each decide on their own rows: an
   * INSERT whose conflicts a unique index settles ({@code ON CONFLICT}, a unique violation), an
   * UPDATE or DELETE of rows named by key whose WHERE holds the condition of the change (its
   * state guard), and reads only of what those statements decided. Such a unit is atomic at
   * READ COMMITTED, where PostgreSQL locks each row a statement changes and evaluates the
   * statement's WHERE again on the row's latest version, so it runs at that level there: free
   * of SERIALIZABLE's predicate locks, which PostgreSQL keeps per index page and which make
   * concurrent writes of time-ordered keys (all on the index's last page) conflict with each
   * other for nothing, refused and run again until {@code WriteConflictException}. A unit
   * that reads a row and writes on what it read (absent, so insert) is not one of these, unless
   * its read locks the row ({@code FOR SHARE}) for the rest of the unit.
   */
  default <T> CompletableFuture<T> writeGuardedAsync(Function<Handle, T> work) {
    return writeAsync(work);
  }

  /**
   * {@link #writeGuardedAsync} for a write that recovery redoes if it is lost: the future
   * completes once the write is committed and seen by every reader, without waiting for it to
   * reach the disk. A killed service process loses none of it (the kernel holds what SQLite
   * wrote; PostgreSQL's server holds what it was sent); a
   * power cut or a crash of the operating system may lose it, with whatever else committed that
   * way just before, never a write made durable before it and never half of one. On SQLite a
   * group commit made only of such writes commits at {@code synchronous=NORMAL}, which WAL
   * keeps consistent and the next full commit or checkpoint makes durable; in a group with
   * other writes it is as durable as they are. On PostgreSQL its transaction runs with
   * {@code synchronous_commit} off: there a crash of the server (not of the service) may lose
   * it too, as a power cut may.
   */
  default <T> CompletableFuture<T> writeRedoableAsync(Function<Handle, T> work) {
    return writeGuardedAsync(work);
  }

  /** Tells {@code observer} of every write from now on (its trace's spans). */
  void observeWrites(WriteObserver observer);

  /** Runs {@code work} on a read-only connection; it sees only committed data. */
  <T> T read(Function<Handle, T> work);

  /**
   * Tells {@code listener} now whether the database takes writes, and again each time that
   * changes: {@code false} once a write failed for a fault of the database's environment (disk
   * full, file not writable, server unreachable), {@code true} once a test write succeeds again.
   */
  void onWritableChange(Consumer<Boolean> listener);

  /** False while writes fail for a fault of the environment (see {@link #onWritableChange}). */
  boolean writable();

  /** Finishes the writes under way, then closes every connection. */
  @Override
  void close();
}
