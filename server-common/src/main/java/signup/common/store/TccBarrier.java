package signup.common.store;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import signup.common.domain.BarrierState;
import signup.common.domain.FinishedRecords;
import signup.common.domain.NotFoundException;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.domain.TxnResult;

/**
 * The participant's barrier table: one row per transaction, written in the same database
 * transaction as the data it guards, which makes reserve, confirm and cancel idempotent and lets
 * a cancel that overtakes its reserve leave a tombstone that refuses the late reserve.
 * Every method must run inside {@link Database#write}.
 *
 * <p>A finished row (confirmed, cancelled, a tombstone) is purged once older than the retention;
 * the confirmed data row stays, and answers for its purged barrier row from then on.
 */
public final class TccBarrier {
  private static final Logger log = LoggerFactory.getLogger(TccBarrier.class);

  /**
   * The barrier table's scripts, one part of each participant's schema: one copy for both,
   * numbered apart from each participant's own scripts (its own history table).
   */
  public static final SchemaScripts SCRIPTS =
      new SchemaScripts("tcc_barrier", "classpath:db/tcc-barrier");


  // Neither dialect's DELETE takes a LIMIT (SQLite's only if compiled for it): the rows go by
  // key, on SQLite by rowid, which spares a look-up in the primary key's index per row.
  static final String PURGE_FINISHED = """
      DELETE FROM txn_barrier WHERE rowid IN (
        SELECT rowid FROM txn_barrier
        WHERE state IN ('CONFIRMED', 'CANCELLED') AND updated_at < :cutoff
        ORDER BY updated_at LIMIT :limit)""";
  static final String PURGE_FINISHED_BY_KEY = """
      DELETE FROM txn_barrier WHERE txn_id IN (
        SELECT txn_id FROM txn_barrier
        WHERE state IN ('CONFIRMED', 'CANCELLED') AND updated_at < :cutoff
        ORDER BY updated_at LIMIT :limit)""";

  // Named apart from the group-commit writer's own savepoint ("unit"), inside which these run.
  private static final String SAVEPOINT = "SAVEPOINT txn";
  private static final String RELEASE = "RELEASE SAVEPOINT txn";
  private static final String ROLLBACK = "ROLLBACK TO SAVEPOINT txn";

  private final InstantSource clock;
  private final PendingRows rows;
  private final String stateForReplay;

  /**
   * @param rows the data rows this barrier guards: a confirmed one is the record of its
   *     transaction once the barrier row has been purged
   * @param dialect the dialect of the database the barrier's methods will be given
   */
  public TccBarrier(InstantSource clock, PendingRows rows, Dialect dialect) {
    this.clock = clock;
    this.rows = rows;
    // A reserve runs at READ COMMITTED on PostgreSQL (Database#writeGuardedAsync), where each
    // statement sees the latest commit: a cancel or a purge committing between a replay's read
    // of the state and its load of the data would leave it nothing to load. Sharing the row's
    // lock holds them off until the replay's transaction ends. SQLite has one writer.
    this.stateForReplay = dialect.choose(STATE, STATE + " FOR SHARE");
  }

  private static final String STATE = "SELECT state FROM txn_barrier WHERE txn_id = :txn";

  public static Optional<BarrierState> state(Handle handle, String txnId) {
    return state(handle, STATE, txnId);
  }

  /**
   * The txn's state by {@code sql}, or CONFIRMED when its barrier row is gone but its data row
   * is confirmed: the purge deletes finished barrier rows, and a confirmed data row stays as
   * the record of its txn. Empty for a txn never seen, or cancelled and purged.
   */
  private Optional<BarrierState> decidedState(Handle handle, String sql, String txnId) {
    Optional<BarrierState> state = state(handle, sql, txnId);
    if (state.isEmpty() && rows.isConfirmed(handle, txnId)) {
      return Optional.of(BarrierState.CONFIRMED);
    }
    return state;
  }

  private static Optional<BarrierState> state(Handle handle, String sql, String txnId) {
    return handle.createQuery(sql)
        .bind("txn", txnId)
        .mapTo(String.class)
        .findOne()
        .map(BarrierState::valueOf);
  }

  /**
   * Reserves once: a new txn runs {@code insertPending}; a reserved or confirmed one returns
   * {@code loadExisting}; a cancelled one is refused. The barrier row is written first, so the
   * usual case (a new txn) costs no read.
   */
  public <T> T reserve(Handle handle, String txnId, Function<Handle, T> insertPending,
      Function<Handle, T> loadExisting) {
    if (insertIfAbsent(handle, txnId, BarrierState.RESERVED)) {
      return insertPending.apply(handle);
    }
    // Empty: the row went between the insert and the read, purged after a cancel (a confirmed
    // one answers CONFIRMED from its data row).
    Optional<BarrierState> state = decidedState(handle, stateForReplay, txnId);
    if (state.isEmpty() || state.get() == BarrierState.CANCELLED) {
      throw new TransactionCancelledException(txnId);
    }
    return loadExisting.apply(handle);
  }

  /**
   * Confirms once: reserved becomes confirmed through {@code confirmPending}. The update is
   * conditional on RESERVED, so the usual case costs no read; the others read the state.
   */
  public <T> T confirm(Handle handle, String txnId, Function<Handle, T> confirmPending,
      Function<Handle, T> loadExisting) {
    if (decide(handle, txnId, BarrierState.CONFIRMED)) {
      return confirmPending.apply(handle);
    }
    // Confirmed longer ago than the retention is still CONFIRMED: a confirm retried that late
    // (the orchestrator could not reach the other participant for that long) is a replay.
    BarrierState state = decidedState(handle, STATE, txnId)
        .orElseThrow(() -> NotFoundException.of("reservation", "txn_id", txnId));
    if (state == BarrierState.CONFIRMED) {
      return loadExisting.apply(handle);
    }
    log.error("txn_id={} confirm refused: the transaction was cancelled (protocol violation)",
        txnId);
    throw new TransactionOutcomeConflictException(txnId, state, "confirm");
  }

  /**
   * {@link #confirm} of each txn of a batch, in the one database transaction of the caller's
   * write, each in a savepoint of its own: a txn that cannot be confirmed (cancelled, unknown,
   * anything its own statements fail with) is answered its failure with its writes undone, and
   * the others go on. What fails the whole write instead is thrown: a storage fault (disk full,
   * server gone), or a serialization failure that PostgreSQL answers by running the write again.
   *
   * @return one result per txn, in the order of {@code txnIds}
   */
  public <T> List<TxnResult<T>> confirmEach(Handle handle, List<String> txnIds,
      BiFunction<Handle, String, T> confirmPending, BiFunction<Handle, String, T> loadExisting) {
    List<TxnResult<T>> results = new ArrayList<>(txnIds.size());
    for (String txnId : txnIds) {
      handle.execute(SAVEPOINT);
      try {
        T value = confirm(handle, txnId, h -> confirmPending.apply(h, txnId),
            h -> loadExisting.apply(h, txnId));
        handle.execute(RELEASE);
        results.add(TxnResult.succeeded(txnId, value));
      } catch (RuntimeException failure) {
        if (StorageFaults.of(failure).isPresent()
            || PostgresDatabase.serializationFailure(failure)) {
          throw failure;
        }
        // Rolling back to a savepoint keeps it open: release it too.
        handle.execute(ROLLBACK);
        handle.execute(RELEASE);
        results.add(TxnResult.failed(txnId, failure));
      }
    }
    return results;
  }

  /**
   * Cancels once: reserved becomes cancelled and {@code deletePending} removes its data; an
   * unknown txn gets a tombstone; a cancelled one is left alone.
   */
  public void cancel(Handle handle, String txnId, Consumer<Handle> deletePending) {
    if (decide(handle, txnId, BarrierState.CANCELLED)) {
      deletePending.accept(handle);
      return;
    }
    // A confirmed txn whose barrier row was purged is still CONFIRMED: no cancel over a confirm.
    Optional<BarrierState> state = decidedState(handle, STATE, txnId);
    if (state.isEmpty()) {
      insertIfAbsent(handle, txnId, BarrierState.CANCELLED);
    } else if (state.get() == BarrierState.CONFIRMED) {
      log.error("txn_id={} cancel refused: the transaction was confirmed (protocol violation)",
          txnId);
      throw new TransactionOutcomeConflictException(txnId, state.get(), "cancel");
    }
  }

  /**
   * Claims for {@code replica}, until {@code claimUntil}, the reservations still undecided that
   * were made before {@code cutoff}, oldest first; those another replica holds a claim on are
   * left to it. On PostgreSQL the rows a concurrent claim has locked are skipped rather than
   * waited for; under SERIALIZABLE a claim that overlaps another's fails and is run again.
   */
  public List<String> claimReservedBefore(Handle handle, Dialect dialect, String replica,
      Instant cutoff, Instant claimUntil, int limit) {
    return handle.createQuery(dialect.choose(CLAIM_RESERVED, CLAIM_RESERVED_SKIP_LOCKED))
        .bind("me", replica)
        .bind("until", claimUntil.toEpochMilli())
        .bind("now", clock.millis())
        .bind("cutoff", cutoff.toEpochMilli())
        .bind("limit", limit)
        .map((rs, ctx) -> new Claimed(rs.getString("txn_id"), rs.getLong("created_at")))
        .list()
        .stream()
        // RETURNING gives the rows in no promised order.
        .sorted(Comparator.comparingLong(Claimed::createdAt).thenComparing(Claimed::txnId))
        .map(Claimed::txnId)
        .toList();
  }

  private record Claimed(String txnId, long createdAt) {}

  /** The reserved rows past the cutoff that nobody else holds: the partial index's rows. */
  private static final String RESERVED_UNCLAIMED = """
      SELECT txn_id FROM txn_barrier
      WHERE state = 'RESERVED' AND created_at < :cutoff
        AND (swept_until IS NULL OR swept_until < :now OR swept_by = :me)
      ORDER BY created_at LIMIT :limit""";
  static final String CLAIM_RESERVED = "UPDATE txn_barrier SET swept_by = :me, "
      + "swept_until = :until WHERE txn_id IN (" + RESERVED_UNCLAIMED + ") "
      + "RETURNING txn_id, created_at";
  static final String CLAIM_RESERVED_SKIP_LOCKED = "UPDATE txn_barrier SET swept_by = :me, "
      + "swept_until = :until WHERE txn_id IN (" + RESERVED_UNCLAIMED + " FOR UPDATE SKIP LOCKED) "
      + "RETURNING txn_id, created_at";

  /**
   * Deletes up to {@code limit} confirmed or cancelled rows (tombstones too) last changed before
   * {@code cutoffMillis}, oldest first; never a reserved one.
   *
   * @return how many were deleted
   */
  public static int purgeFinishedBefore(Handle handle, Dialect dialect, long cutoffMillis,
      int limit) {
    return handle.createUpdate(dialect.choose(PURGE_FINISHED, PURGE_FINISHED_BY_KEY))
        .bind("cutoff", cutoffMillis)
        .bind("limit", limit)
        .execute();
  }

  /** The barrier's finished rows of {@code db}, each purge batch one write of its writer. */
  public static FinishedRecords finishedRecords(Database db) {
    return (cutoff, limit) -> db.write(
        handle -> purgeFinishedBefore(handle, db.dialect(), cutoff.toEpochMilli(), limit));
  }

  /** True when the row was written; false when the txn has one already. */
  private boolean insertIfAbsent(Handle handle, String txnId, BarrierState state) {
    long now = clock.millis();
    return handle.createUpdate("""
            INSERT INTO txn_barrier (txn_id, state, created_at, updated_at)
            VALUES (:txn, :state, :now, :now)
            ON CONFLICT (txn_id) DO NOTHING""")
        .bind("txn", txnId)
        .bind("state", state.name())
        .bind("now", now)
        .execute() == 1;
  }

  /** RESERVED -> {@code outcome}; false when the txn is not RESERVED (or unknown). */
  private boolean decide(Handle handle, String txnId, BarrierState outcome) {
    return handle.createUpdate("""
            UPDATE txn_barrier SET state = :state, updated_at = :now
            WHERE txn_id = :txn AND state = 'RESERVED'""")
        .bind("txn", txnId)
        .bind("state", outcome.name())
        .bind("now", clock.millis())
        .execute() == 1;
  }
}
