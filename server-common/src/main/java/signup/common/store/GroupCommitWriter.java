package signup.common.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.StoreUnavailableException.Reason;
import signup.common.logging.LogContext;

/**
 * The single writer of one database. Callers queue units of work; one thread runs everything
 * queued in one SQLite transaction, each unit inside its own savepoint, and commits once: many
 * writes, one fsync. A caller is answered only after the commit, so nothing is acknowledged
 * before it is durable, but for writes queued as redoable ({@link Database#writeRedoableAsync}):
 * a batch of those alone commits without waiting for its fsync.
 *
 * <p>Each unit runs, and its caller is answered, in the logging context (MDC) of the thread that
 * queued it: what the work and the caller's continuations log carries that caller's txn_id and
 * trace_id, not the writer's (nor the last unit's).
 *
 * <p>A write that fails for a storage fault (disk full, file not writable) fails its whole batch
 * with a {@link StoreUnavailableException}, and the store counts as not writable until a test
 * write, tried while it is so, succeeds ({@link Writability}).
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_BATCH = 256;

  private final String name;
  private final Jdbi jdbi;
  private final Writability writability;
  private final boolean syncEveryCommit;
  /** Whether the connection now commits at NORMAL (a batch of redoable writes only). */
  private boolean committingUnsynced;
  private final Consumer<Handle> probe;
  private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;
  // Written by the writer thread only; read by anyone.
  private final AtomicLong committedWrites = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private volatile int largestBatch;
  private volatile CommitListener commitListener = (writes, nanos) -> {};

  /**
   * @param syncEveryCommit whether the connection runs at {@code synchronous=FULL}, which a
   *     batch of redoable writes only then lowers to NORMAL for its commit
   * @param probe a tiny real write, run in a transaction of its own while the store does not
   *     take writes, to find out when it does again
   */
  GroupCommitWriter(String name, Jdbi jdbi, Writability writability, boolean syncEveryCommit,
      Consumer<Handle> probe) {
    this.name = name;
    this.jdbi = jdbi;
    this.writability = writability;
    this.syncEveryCommit = syncEveryCommit;
    this.probe = probe;
    this.thread = new Thread(this::run, name + "-db-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  <T> T write(Function<Handle, T> work) {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("write() called from inside a write");
    }
    CompletableFuture<T> result = writeAsync(work);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a commit", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        // Re-thrown as is: domain exceptions must reach the status mapper with their type.
        runtime.addSuppressed(new Exception("queued write failed here"));
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Queues {@code work} and returns at once; the future completes on the writer thread after
   * the commit, so whatever is chained to it runs there and must be quick and never block.
   */
  <T> CompletableFuture<T> writeAsync(Function<Handle, T> work) {
    return writeAsync(work, false);
  }

  /**
   * @param redoable whether the caller may be answered before the write reaches the disk (see
   *     {@link Database#writeRedoableAsync}): a batch of such writes only commits at NORMAL
   */
  <T> CompletableFuture<T> writeAsync(Function<Handle, T> work, boolean redoable) {
    Unit<T> unit = new Unit<>(work, redoable);
    synchronized (this) {
      if (closing) {
        throw new IllegalStateException("the database is closed");
      }
      queue.add(unit);
    }
    return unit.result;
  }

  private void run() {
    List<Unit<?>> batch = new ArrayList<>();
    try (Handle handle = jdbi.open()) {
      while (true) {
        Unit<?> first = writability.writable() ? queue.take()
            : queue.poll(writability.nanosUntilProbe(), TimeUnit.NANOSECONDS);
        if (first == Unit.POISON) {
          syncWhatWasLeftUnsynced(handle);
          return;
        }
        probeIfDue(handle);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        boolean stop = batch.remove(Unit.POISON);
        runBatch(handle, batch);
        batch.clear();
        if (stop) {
          syncWhatWasLeftUnsynced(handle);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // The writer cannot go on (no handle, out of memory): refuse new writes and answer every
      // waiting caller, rather than leave them blocked forever.
      log.error("the database writer stopped", e);
      synchronized (this) {
        closing = true;
      }
      IllegalStateException stopped = new IllegalStateException("the database writer stopped", e);
      queue.drainTo(batch);
      batch.remove(Unit.POISON);
      failAll(batch, stopped);
    }
  }

  private void runBatch(Handle handle, List<Unit<?>> batch) {
    List<Runnable> acks = new ArrayList<>(batch.size());
    try {
      syncAsTheBatchNeeds(handle, batch);
      handle.begin();
      for (Unit<?> unit : batch) {
        acks.add(unit.runInSavepoint(handle));
      }
      long commitStart = System.nanoTime();
      handle.commit();
      commitListener.committed(batch.size(), System.nanoTime() - commitStart);
    } catch (RuntimeException commitFailure) {
      // The transaction as a whole failed (disk full, I/O error): nobody's write is durable.
      rollback(handle);
      Optional<Reason> fault = StorageFaults.of(commitFailure);
      if (fault.isPresent()) {
        // Logged once by writability, not once per batch: the callers are told to retry.
        writability.lost(fault.get(), commitFailure);
        for (Unit<?> unit : batch) {
          unit.fail(new StoreUnavailableException(name, fault.get(), commitFailure));
        }
        return;
      }
      log.error("commit of {} writes failed: {}", batch.size(), commitFailure.getMessage());
      failAll(batch, commitFailure);
      return;
    }
    commits.incrementAndGet();
    committedWrites.addAndGet(batch.size());
    if (batch.size() > largestBatch) {
      largestBatch = batch.size();
    }
    acks.forEach(Runnable::run);
  }

  /**
   * FULL for a batch with any write that must be durable when answered; NORMAL for a batch of
   * redoable writes only, whose commit then waits for no fsync. WAL stays consistent at NORMAL
   * (its checkpoints still sync), and the next FULL commit syncs the log with everything in it.
   * The pragma only changes the connection when the kind of batch changes.
   */
  private void syncAsTheBatchNeeds(Handle handle, List<Unit<?>> batch) {
    boolean unsynced = true;
    for (Unit<?> unit : batch) {
      unsynced &= unit.redoable;
    }
    commitUnsynced(handle, unsynced);
  }

  /** NORMAL or FULL for the commits from now on; the connection is told only of a change. */
  private void commitUnsynced(Handle handle, boolean unsynced) {
    if (syncEveryCommit && unsynced != committingUnsynced) {
      handle.execute(unsynced ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
      committingUnsynced = unsynced;
    }
  }

  /**
   * At a clean stop, the commits made at NORMAL reach the disk: a checkpoint syncs the log
   * first. Redoable as they are, a clean stop should not leave them to the kernel.
   */
  private void syncWhatWasLeftUnsynced(Handle handle) {
    if (!committingUnsynced) {
      return;
    }
    try {
      commitUnsynced(handle, false);
      handle.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (RuntimeException e) {
      log.warn("{} database: syncing the last commits at close failed: {}", name,
          e.getMessage());
    }
  }

  /** While the store does not take writes, a test write every so often tells when it does. */
  private void probeIfDue(Handle handle) {
    if (!writability.probeDue()) {
      return;
    }
    try {
      // With its fsync, or a fault that only the fsync reports would pass for writable.
      commitUnsynced(handle, false);
      handle.begin();
      probe.accept(handle);
      handle.commit();
    } catch (RuntimeException failure) {
      rollback(handle);
      Optional<Reason> fault = StorageFaults.of(failure);
      if (fault.isPresent()) {
        writability.lost(fault.get(), failure);
      } else {
        log.debug("{} database: the test write failed: {}", name, failure.getMessage());
      }
      return;
    }
    writability.regained();
  }

  private static void rollback(Handle handle) {
    try {
      handle.rollback();
    } catch (RuntimeException ignored) {
      // already rolled back by SQLite
    }
  }

  /** Told of every commit, on the writer's thread (so it must be quick). */
  void onCommit(CommitListener listener) {
    this.commitListener = listener;
  }

  /** Writes waiting for the writer. */
  int queued() {
    return queue.size();
  }

  /** How well writes are grouped so far: many writes per commit is what makes it fast. */
  WriteStats stats() {
    return new WriteStats(committedWrites.get(), commits.get(), largestBatch);
  }

  private static void failAll(List<Unit<?>> batch, RuntimeException e) {
    for (Unit<?> unit : batch) {
      unit.fail(e);
    }
  }

  /** Runs what is already queued, then stops the writer thread. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      queue.add(Unit.POISON);
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WriteStats stats = stats();
    if (stats.commits() > 0) {
      log.info("{} database: {} writes in {} commits ({} per commit on average, {} at most)",
          name, stats.writes(), stats.commits(),
          String.format(java.util.Locale.ROOT, "%.1f", stats.writesPerCommit()),
          stats.largestBatch());
    }
  }

  private static final class Unit<T> {
    static final Unit<Void> POISON = new Unit<>(handle -> null, false);
    private static final String SAVEPOINT = "SAVEPOINT unit";
    private static final String RELEASE = "RELEASE SAVEPOINT unit";
    private static final String ROLLBACK = "ROLLBACK TO SAVEPOINT unit";

    final Function<Handle, T> work;
    /** May be answered before it reaches the disk: {@link Database#writeRedoableAsync}. */
    final boolean redoable;
    final CompletableFuture<T> result = new CompletableFuture<>();
    /** The queuing thread's. */
    private final LogContext context = LogContext.current();

    Unit(Function<Handle, T> work, boolean redoable) {
      this.work = work;
      this.redoable = redoable;
    }

    /**
     * Runs the work in a savepoint. Returns what to do once the batch commits: complete with the
     * value, or with the exception the work threw (its writes having been rolled back).
     */
    Runnable runInSavepoint(Handle handle) {
      // In SQL rather than through JDBC's savepoint calls, which SQLite's driver compiles anew
      // each time: these go through the writer's cache of prepared statements.
      handle.execute(SAVEPOINT);
      try (LogContext.Scope scope = context.enter()) {
        T value = work.apply(handle);
        handle.execute(RELEASE);
        return () -> {
          try (LogContext.Scope answering = context.enter()) {
            result.complete(value);
          }
        };
      } catch (RuntimeException | Error failure) {
        if (StorageFaults.of(failure).isPresent()) {
          // Not this unit's fault but the file's, and SQLite may have rolled back the whole
          // transaction already: the batch fails as a whole (see runBatch).
          throw failure;
        }
        // Rolling back to a savepoint keeps it open in SQLite: release it too.
        handle.execute(ROLLBACK);
        handle.execute(RELEASE);
        // A failed unit wrote nothing, so it may be answered at once.
        fail(failure);
        return () -> {};
      }
    }

    void fail(Throwable failure) {
      try (LogContext.Scope scope = context.enter()) {
        result.completeExceptionally(failure);
      }
    }
  }
}
