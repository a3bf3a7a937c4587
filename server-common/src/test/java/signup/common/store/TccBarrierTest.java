package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import signup.common.MutableClock;
import signup.common.domain.BarrierState;
import signup.common.domain.NotFoundException;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.domain.TxnResult;

/**
 * The barrier, driven as a participant drives it: every call inside one db.write; on SQLite and
 * on PostgreSQL.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Dialect.class)
class TccBarrierTest {
  @Parameter Dialect dialect;
  @TempDir Path dir;
  private Database db;
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private TccBarrier barrier;
  private final AtomicInteger inserts = new AtomicInteger();
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicInteger confirms = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();

  @BeforeEach
  void open() {
    db = FreshDatabases.open(dialect, TestDatabases.spec(), dir);
    barrier = new TccBarrier(clock, TestDatabases.PENDING, dialect);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void reservingTwiceInsertsThePendingDataOnce() {
    assertEquals("inserted", reserve("t1"));
    assertEquals("existing", reserve("t1"));

    assertEquals(1, inserts.get());
    assertEquals(1, loads.get());
    assertEquals(Optional.of(BarrierState.RESERVED), state("t1"));
    assertEquals(1L, pendingRows());
  }

  @Test
  void aReplayedReserveThatACancelOvertakesMidwayStillFindsItsDataAndTheCancelWaits()
      throws Exception {
    assumeTrue(dialect == Dialect.POSTGRESQL, "SQLite has one writer: nothing runs between");
    reserve("t1");
    ExecutorService canceller = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<CompletableFuture<Void>> cancelling = new AtomicReference<>();
      // Between the replay's read of the barrier and its load of the data, a cancel of the
      // same txn starts on a connection of its own: it must wait for the replay to end.
      String answer = db.writeGuardedAsync(handle -> barrier.reserve(handle, "t1",
          h -> "inserted",
          h -> {
            cancelling.set(CompletableFuture.runAsync(() -> cancel("t1"), canceller));
            await().atMost(Duration.ofSeconds(10))
                .until(() -> cancelling.get().isDone() || sessionsWaitingForALock() > 0);
            return h.createQuery("SELECT value FROM pending WHERE txn_id = 't1'")
                .mapTo(String.class).findOne()
                .orElseThrow(() -> new AssertionError("the cancel deleted the data midway"));
          })).get(20, TimeUnit.SECONDS);

      assertEquals("data", answer);
      cancelling.get().get(20, TimeUnit.SECONDS);
      assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
      assertEquals(0L, pendingRows());
    } finally {
      canceller.shutdownNow();
    }
  }

  @Test
  void cancelBeforeReserveLeavesATombstoneThatRefusesTheLateReserve() {
    cancel("t1");
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
    assertEquals(0, deletes.get(), "nothing was reserved, so nothing to delete");

    TransactionCancelledException refused =
        assertThrows(TransactionCancelledException.class, () -> reserve("t1"));

    assertTrue(refused.getMessage().contains("t1"), refused.getMessage());
    assertEquals(0, inserts.get(), "a late reserve must not leave a hanging row");
    assertEquals(0L, pendingRows());
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
  }

  @Test
  void reserveWhosePendingInsertFailsLeavesNoBarrierRow() {
    assertThrows(IllegalStateException.class, () -> db.write(handle ->
        barrier.reserve(handle, "t1", h -> {
          h.execute("INSERT INTO pending (txn_id, value) VALUES ('t1', 'x')");
          throw new IllegalStateException("e-mail taken");
        }, h -> "existing")));

    assertEquals(Optional.empty(), state("t1"));
    assertEquals(0L, pendingRows());
    assertEquals("inserted", reserve("t1"), "a retry starts afresh");
  }

  @Test
  void confirmTurnsAReservationIntoConfirmedOnce() {
    reserve("t1");

    assertEquals("confirmed", confirm("t1"));
    assertEquals("existing", confirm("t1"));

    assertEquals(1, confirms.get());
    assertEquals(Optional.of(BarrierState.CONFIRMED), state("t1"));
    assertEquals(1L, db.<Long>read(handle -> handle.createQuery(
        "SELECT count(*) FROM pending WHERE status = 'CONFIRMED'").mapTo(Long.class).one()));
  }

  @Test
  void reserveAfterConfirmReturnsTheExistingResult() {
    reserve("t1");
    confirm("t1");

    assertEquals("existing", reserve("t1"));
    assertEquals(1, inserts.get());
    assertEquals(Optional.of(BarrierState.CONFIRMED), state("t1"));
  }

  @Test
  void confirmOfAnUnknownTransactionIsNotFound() {
    NotFoundException missing = assertThrows(NotFoundException.class, () -> confirm("nobody"));

    assertTrue(missing.getMessage().contains("nobody"), missing.getMessage());
    assertEquals(Optional.empty(), state("nobody"), "confirm must not invent a barrier row");
  }

  @Test
  void confirmAfterCancelIsAConflict() {
    reserve("t1");
    cancel("t1");

    TransactionOutcomeConflictException conflict =
        assertThrows(TransactionOutcomeConflictException.class, () -> confirm("t1"));

    assertEquals("t1", conflict.txnId());
    assertEquals("cannot confirm transaction t1: it is already CANCELLED", conflict.getMessage());
    assertEquals(0, confirms.get());
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
  }

  @Test
  void aBatchConfirmsEveryReservedTxnInOneWriteAndARepeatIsAReplay() {
    reserve("t1");
    reserve("t2");
    reserve("t3");

    List<TxnResult<String>> first = confirmEach("t1", "t2", "t3");
    List<TxnResult<String>> again = confirmEach("t3", "t1");

    assertEquals(List.of("t1=confirmed", "t2=confirmed", "t3=confirmed"), answers(first));
    assertEquals(List.of("t3=existing", "t1=existing"), answers(again));
    assertEquals(3, confirms.get());
    for (String txnId : List.of("t1", "t2", "t3")) {
      assertEquals(Optional.of(BarrierState.CONFIRMED), state(txnId));
    }
  }

  @Test
  void aCancelledAndAnUnknownTxnInABatchAreAnsweredAloneAndTheOthersAreConfirmed() {
    reserve("t1");
    reserve("cancelled");
    cancel("cancelled");
    reserve("t3");

    List<TxnResult<String>> results = confirmEach("t1", "cancelled", "nobody", "t3");

    assertEquals(List.of("t1=confirmed", "cancelled=TransactionOutcomeConflictException",
        "nobody=NotFoundException", "t3=confirmed"), answers(results));
    assertEquals(Optional.of(BarrierState.CANCELLED), state("cancelled"));
    assertEquals(Optional.empty(), state("nobody"), "confirm must not invent a barrier row");
    assertEquals(Optional.of(BarrierState.CONFIRMED), state("t3"));
  }

  @Test
  void aTxnWhoseStatementsFailInABatchHasItsWritesUndoneAndTheOthersAreConfirmed() {
    reserve("t1");
    reserve("broken");
    reserve("t3");

    List<TxnResult<String>> results = db.write(handle -> barrier.confirmEach(handle,
        List.of("t1", "broken", "t3"), (h, txnId) -> {
          TestDatabases.PENDING.confirm(h, txnId, clock.millis());
          if (txnId.equals("broken")) {
            // A failed statement: on PostgreSQL it aborts the transaction but for a savepoint.
            h.execute("INSERT INTO no_such_table VALUES (1)");
          }
          return "confirmed";
        }, (h, txnId) -> "existing"));

    assertEquals("broken", results.get(1).txnId());
    assertFalse(results.get(1).ok());
    assertTrue(results.get(0).ok() && results.get(2).ok(), answers(results).toString());
    assertEquals(Optional.of(BarrierState.RESERVED), state("broken"), "its confirm undone");
    assertEquals(List.of("t1", "t3"), db.read(handle -> handle.createQuery(
        "SELECT txn_id FROM pending WHERE status = 'CONFIRMED' ORDER BY txn_id")
        .mapTo(String.class).list()));
  }

  @Test
  void cancelAfterConfirmIsAConflictAndKeepsTheData() {
    reserve("t1");
    confirm("t1");

    TransactionOutcomeConflictException conflict =
        assertThrows(TransactionOutcomeConflictException.class, () -> cancel("t1"));

    assertEquals("cannot cancel transaction t1: it is already CONFIRMED", conflict.getMessage());
    assertEquals(0, deletes.get());
    assertEquals(1L, pendingRows());
    assertEquals(Optional.of(BarrierState.CONFIRMED), state("t1"));
  }

  @Test
  void cancelRemovesThePendingDataAndCancellingAgainDoesNothing() {
    reserve("t1");

    cancel("t1");
    cancel("t1");

    assertEquals(1, deletes.get());
    assertEquals(0L, pendingRows());
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
  }

  @Test
  void cancellingAnUnknownTransactionTwiceLeavesOneTombstone() {
    cancel("t1");
    cancel("t1");

    assertEquals(0, deletes.get());
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
  }

  @Test
  void aSweepClaimsOnlyUndecidedReservationsOlderThanTheCutoffOldestFirst() {
    Instant start = clock.instant();
    reserve("reserved-at-1s", start.plusSeconds(1));
    reserve("confirmed-at-2s", start.plusSeconds(2));
    confirm("confirmed-at-2s");
    reserve("cancelled-at-3s", start.plusSeconds(3));
    cancel("cancelled-at-3s");
    clock.set(start.plusSeconds(4));
    cancel("tombstone-at-4s");
    reserve("reserved-at-0s", start);
    reserve("reserved-at-10s", start.plusSeconds(10));
    reserve("reserved-at-20s", start.plusSeconds(20));
    Instant cutoff = start.plusSeconds(10);

    assertEquals(List.of("reserved-at-0s", "reserved-at-1s"), claim("a", cutoff, 100));
    assertEquals(List.of("reserved-at-0s"), claim("a", cutoff, 1));
    assertEquals(List.of("reserved-at-0s", "reserved-at-1s", "reserved-at-10s"),
        claim("a", cutoff.plusMillis(1), 100));
  }

  @Test
  void aReservationAnotherReplicaClaimedIsLeftToItUntilItsClaimRunsOut() {
    Instant start = clock.instant();
    reserve("old", start);
    reserve("older", start.minusSeconds(1));
    clock.set(start.plusSeconds(60));
    Instant cutoff = start.plusSeconds(30);

    assertEquals(List.of("older", "old"), claim("a", cutoff, 100));
    assertEquals(List.of(), claim("b", cutoff, 100), "held by a for 30 s");
    assertEquals(List.of("older", "old"), claim("a", cutoff, 100),
        "a replica takes its own claims again at its next sweep");

    clock.advance(Duration.ofSeconds(31));
    assertEquals(List.of("older", "old"), claim("b", cutoff, 100), "a's claim ran out");
    assertEquals(List.of(), claim("a", cutoff, 100));
  }

  @Test
  void barrierTimesComeFromTheGivenClock() {
    clock.advance(Duration.ofMinutes(5));
    reserve("t1");
    long createdAt = db.<Long>read(handle -> handle.createQuery(
        "SELECT created_at FROM txn_barrier WHERE txn_id = 't1'").mapTo(Long.class).one());
    assertEquals(clock.millis(), createdAt);
  }

  @Test
  void purgeRemovesOnlyFinishedRowsDecidedBeforeTheCutoff() {
    Instant start = clock.instant();
    reserve("reserved-long-ago", start);
    reserve("confirmed-long-ago", start);
    confirm("confirmed-long-ago");
    reserve("cancelled-long-ago", start);
    cancel("cancelled-long-ago");
    cancel("tombstone-long-ago");
    reserve("reserved-long-ago-confirmed-lately", start);
    clock.set(start.plus(Duration.ofHours(2)));
    confirm("reserved-long-ago-confirmed-lately");
    reserve("confirmed-lately");
    confirm("confirmed-lately");
    cancel("tombstone-lately");
    reserve("reserved-lately");

    int purged = purge(start.plus(Duration.ofHours(1)), 500);

    assertEquals(3, purged);
    assertEquals(List.of("confirmed-lately", "reserved-lately", "reserved-long-ago",
        "reserved-long-ago-confirmed-lately", "tombstone-lately"), barrierRows());
    assertEquals(List.of("confirmed-lately", "confirmed-long-ago", "reserved-lately",
        "reserved-long-ago", "reserved-long-ago-confirmed-lately"), dataRows(),
        "the data rows stay: confirmed for good, pending until decided");
  }

  @Test
  void purgeTakesAtMostItsLimitOldestFirst() {
    Instant start = clock.instant();
    for (int i = 0; i < 5; i++) {
      clock.set(start.plusSeconds(10 - i));
      cancel("tombstone-at-" + (10 - i) + "s");
    }

    assertEquals(2, purge(start.plusSeconds(60), 2));
    assertEquals(List.of("tombstone-at-10s", "tombstone-at-8s", "tombstone-at-9s"),
        barrierRows());
    assertEquals(3, purge(start.plusSeconds(60), 500));
    assertEquals(0, purge(start.plusSeconds(60), 500));
  }

  @Test
  void aTombstoneYoungerThanTheCutoffOutlivesThePurgeAndStillRefusesTheLateReserve() {
    Instant start = clock.instant();
    cancel("t1");
    clock.set(start.plusSeconds(30));

    assertEquals(0, purge(start, 500), "a row is purged only once older than the cutoff");

    assertThrows(TransactionCancelledException.class, () -> reserve("t1"));
    assertEquals(0L, pendingRows());
    assertEquals(Optional.of(BarrierState.CANCELLED), state("t1"));
  }

  @Test
  void aConfirmRetriedAfterItsBarrierRowWasPurgedIsStillAReplay() {
    reserve("t1");
    confirm("t1");
    clock.advance(Duration.ofDays(8));
    assertEquals(1, purge(clock.instant().minus(Duration.ofDays(7)), 500));

    assertEquals("existing", confirm("t1"),
        "the orchestrator may retry a confirm for as long as a participant is unreachable");

    assertEquals(1, confirms.get());
    assertEquals(Optional.empty(), state("t1"), "the replay must not bring the barrier row back");
  }

  @Test
  void aCancelAfterAConfirmedBarrierRowWasPurgedIsStillAConflictAndLeavesNoTombstone() {
    reserve("t1");
    confirm("t1");
    clock.advance(Duration.ofDays(8));
    purge(clock.instant().minus(Duration.ofDays(7)), 500);

    assertThrows(TransactionOutcomeConflictException.class, () -> cancel("t1"));

    assertEquals(0, deletes.get());
    assertEquals(Optional.empty(), state("t1"));
    assertEquals(List.of("t1"), dataRows());
  }

  @Test
  void purgeFindsTheOldRowsThroughTheFinishedIndexWithoutReadingTheTable() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite's query plan");
    List<String> plan = db.read(handle -> handle.createQuery(
            "EXPLAIN QUERY PLAN " + TccBarrier.PURGE_FINISHED)
        .bind("cutoff", 0L)
        .bind("limit", 500)
        .map((rs, ctx) -> rs.getString("detail"))
        .list());

    assertTrue(plan.stream().anyMatch(step -> step.contains("INDEX txn_barrier_finished")),
        plan::toString);
    assertTrue(plan.stream().noneMatch(step -> step.startsWith("SCAN")), plan::toString);
  }

  private String reserve(String txnId, Instant at) {
    clock.set(at);
    return reserve(txnId);
  }

  private String reserve(String txnId) {
    return db.write(handle -> barrier.reserve(handle, txnId, h -> {
      inserts.incrementAndGet();
      h.execute("INSERT INTO pending (txn_id, value) VALUES (?, 'data')", txnId);
      return "inserted";
    }, h -> {
      loads.incrementAndGet();
      return "existing";
    }));
  }

  private String confirm(String txnId) {
    return db.write(handle -> barrier.confirm(handle, txnId, h -> {
      confirms.incrementAndGet();
      TestDatabases.PENDING.confirm(h, txnId, clock.millis());
      return "confirmed";
    }, h -> "existing"));
  }

  private List<TxnResult<String>> confirmEach(String... txnIds) {
    return db.write(handle -> barrier.confirmEach(handle, List.of(txnIds), (h, txnId) -> {
      confirms.incrementAndGet();
      TestDatabases.PENDING.confirm(h, txnId, clock.millis());
      return "confirmed";
    }, (h, txnId) -> "existing"));
  }

  /** "txn=value", or "txn=ExceptionName" for a failed one. */
  private static List<String> answers(List<TxnResult<String>> results) {
    return results.stream().map(r -> r.txnId() + "="
        + (r.ok() ? r.value() : r.failure().getClass().getSimpleName())).toList();
  }

  private void cancel(String txnId) {
    db.write(handle -> {
      barrier.cancel(handle, txnId, h -> {
        deletes.incrementAndGet();
        h.execute("DELETE FROM pending WHERE txn_id = ?", txnId);
      });
      return null;
    });
  }

  /** Claims as {@code replica} would, for 30 s from the clock's now. */
  private List<String> claim(String replica, Instant cutoff, int limit) {
    return db.write(handle -> barrier.claimReservedBefore(handle, db.dialect(), replica,
        cutoff, clock.instant().plusSeconds(30), limit));
  }

  private Optional<BarrierState> state(String txnId) {
    return db.read(handle -> TccBarrier.state(handle, txnId));
  }

  /** Other sessions of this database blocked on a lock right now (PostgreSQL). */
  private int sessionsWaitingForALock() {
    return db.read(h -> h.createQuery("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'""")
        .mapTo(Integer.class).one());
  }

  private int purge(Instant cutoff, int limit) {
    return TccBarrier.finishedRecords(db).purgeFinishedBefore(cutoff, limit);
  }

  private List<String> barrierRows() {
    return db.read(handle -> handle.createQuery("SELECT txn_id FROM txn_barrier ORDER BY txn_id")
        .mapTo(String.class).list());
  }

  private List<String> dataRows() {
    return db.read(handle -> handle.createQuery("SELECT txn_id FROM pending ORDER BY txn_id")
        .mapTo(String.class).list());
  }

  private long pendingRows() {
    return db.<Long>read(handle ->
        handle.createQuery("SELECT count(*) FROM pending").mapTo(Long.class).one());
  }
}
