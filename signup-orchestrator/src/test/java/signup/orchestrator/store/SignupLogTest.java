package signup.orchestrator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static signup.common.domain.Completions.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import signup.common.domain.Device;
import signup.common.domain.TimeOrderedIds;
import signup.common.store.Database;
import signup.common.store.DatabaseLocation;
import signup.common.store.Dialect;
import signup.common.store.FreshDatabases;
import signup.common.store.PostgresDatabase;
import signup.common.store.PreFlywayFiles;
import signup.common.store.SqliteDatabase;
import signup.orchestrator.domain.FailureKind;
import signup.orchestrator.domain.PlanQuote;
import signup.orchestrator.domain.SignupRecord;
import signup.orchestrator.domain.SignupState;
import signup.orchestrator.domain.SubscriptionReservation;

/**
 * The log's conditional transitions, each on a fresh database: a SQLite file, and a database on
 * the test PostgreSQL (one suite, run once per dialect).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Dialect.class)
class SignupLogTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TRY = Duration.ofSeconds(10);
  private static final SubscriptionReservation GLOBAL = new SubscriptionReservation("sub-1",
      new PlanQuote("global", "Global", null, null, 499, "USD"), T0.minusMillis(5),
      T0.minusMillis(5));

  @Parameter Dialect dialect;
  @TempDir Path dir;
  DatabaseLocation location;
  Database db;
  SqlSignupLog signupLog;
  private int rows;

  @BeforeEach
  void open() {
    location = FreshDatabases.migrated(dialect, OrchestratorSchema.SPEC, dir);
    db = location.open(OrchestratorSchema.SPEC);
    signupLog = new SqlSignupLog(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static SignupRecord record(String txnId, String requestId, Instant createdAt) {
    return new SignupRecord(txnId, requestId, "fp-" + txnId, SignupState.TRYING,
        "client-" + txnId, txnId + "@example.com", "Ada Lovelace", "US", Device.IOS, createdAt,
        createdAt, createdAt.plus(TRY), null, null, null, null);
  }

  private String trying(String txnId) {
    return trying(txnId, T0);
  }

  private String trying(String txnId, Instant createdAt) {
    assertEquals(Optional.empty(), await(signupLog.insertTrying(record(txnId, "", createdAt))));
    return txnId;
  }

  /** Claims for 12 s, as recovery does with the default settings. */
  private static List<SignupRecord> claim(SqlSignupLog log, Instant now, int limit) {
    return claim(log, now, now, limit);
  }

  private static List<SignupRecord> claim(SqlSignupLog log, Instant now, Instant decidedBefore,
      int limit) {
    return log.claimForRecovery(now, decidedBefore, now.plusSeconds(12), limit);
  }

  private SignupState stateOf(String txnId) {
    return signupLog.find(txnId).orElseThrow().state();
  }

  private boolean commit(String txnId) {
    return await(signupLog.markCommitting(txnId, T0, GLOBAL, T0.plusSeconds(1),
        T0.plusSeconds(1)));
  }

  private boolean abort(String txnId) {
    return signupLog.markAborting(txnId, FailureKind.UNAVAILABLE, "down", T0.plusSeconds(1));
  }

  @Test
  void aTryingRowIsStoredAndReadBackAsWritten() {
    trying("t1");

    SignupRecord read = signupLog.find("t1").orElseThrow();

    assertEquals(record("t1", "", T0), read);
  }

  @Test
  void markCommittingDecidesATryingRowAndRecordsThePlan() {
    trying("t1");

    assertTrue(commit("t1"));

    SignupRecord read = signupLog.find("t1").orElseThrow();
    assertEquals(SignupState.COMMITTING, read.state());
    assertEquals(GLOBAL, read.subscription());
    assertEquals(T0, read.clientCreatedAt());
    assertEquals(T0.plusSeconds(1), read.updatedAt());
  }

  @Test
  void markCommittingFailsUnlessTheRowIsTrying() {
    trying("committing");
    assertTrue(commit("committing"));
    trying("aborting");
    assertTrue(abort("aborting"));

    assertFalse(commit("committing"));
    assertFalse(commit("aborting"));
    assertFalse(commit("unknown"));
    assertEquals(SignupState.ABORTING, stateOf("aborting"));
    assertNull(signupLog.find("aborting").orElseThrow().subscription());
    assertTrue(signupLog.find("unknown").isEmpty());
  }

  @Test
  void markAbortingFailsUnlessTheRowIsTryingAndKeepsTheFirstReason() {
    trying("committing");
    assertTrue(commit("committing"));
    trying("aborting");

    assertTrue(abort("aborting"));
    assertFalse(signupLog.markAborting("aborting", FailureKind.ALREADY_EXISTS, "taken",
        T0.plusSeconds(2)));
    assertFalse(abort("committing"));
    assertFalse(abort("unknown"));

    SignupRecord aborting = signupLog.find("aborting").orElseThrow();
    assertEquals(SignupState.ABORTING, aborting.state());
    assertEquals(FailureKind.UNAVAILABLE, aborting.failureKind());
    assertEquals("down", aborting.failureMessage());
    assertEquals(SignupState.COMMITTING, stateOf("committing"));
    assertNull(signupLog.find("committing").orElseThrow().failureKind());
  }

  @Test
  void markDoneAndMarkAbortedOnlyFinishTheMatchingDecision() {
    trying("t1");
    assertFalse(await(signupLog.markDone("t1", T0, null)));
    assertFalse(signupLog.markAborted("t1", T0));
    assertEquals(SignupState.TRYING, stateOf("t1"));

    trying("committing");
    commit("committing");
    assertFalse(signupLog.markAborted("committing", T0));
    assertEquals(SignupState.COMMITTING, stateOf("committing"));
    assertTrue(await(signupLog.markDone("committing", T0, null)));
    assertEquals(SignupState.DONE, stateOf("committing"));

    trying("aborting");
    abort("aborting");
    assertFalse(await(signupLog.markDone("aborting", T0, null)));
    assertEquals(SignupState.ABORTING, stateOf("aborting"));
    assertTrue(signupLog.markAborted("aborting", T0));
    assertEquals(SignupState.ABORTED, stateOf("aborting"));
  }

  @Test
  void markDoneRecordsTheSubscriptionsUpdatedTimeItsConfirmAnsweredOrKeepsTheReservesOne() {
    Instant confirmed = T0.plusMillis(1_234);
    trying("confirmed-with-a-time");
    commit("confirmed-with-a-time");
    trying("confirmed-without");
    commit("confirmed-without");

    assertTrue(await(signupLog.markDone("confirmed-with-a-time", T0.plusSeconds(2), confirmed)));
    assertTrue(await(signupLog.markDone("confirmed-without", T0.plusSeconds(2), null)));

    SubscriptionReservation stamped =
        signupLog.find("confirmed-with-a-time").orElseThrow().subscription();
    assertEquals(GLOBAL.createdAt(), stamped.createdAt());
    assertEquals(confirmed, stamped.updatedAt());
    assertEquals(GLOBAL, signupLog.find("confirmed-without").orElseThrow().subscription());
  }

  /** A row in {@code state}, reached by the log's own moves. */
  private String rowIn(SignupState state) {
    String txnId = trying(state + "-" + rows++);
    switch (state) {
      case TRYING -> { }
      case COMMITTING -> assertTrue(commit(txnId));
      case DONE -> {
        assertTrue(commit(txnId));
        assertTrue(await(signupLog.markDone(txnId, T0, null)));
      }
      case ABORTING -> assertTrue(abort(txnId));
      case ABORTED -> {
        assertTrue(abort(txnId));
        assertTrue(signupLog.markAborted(txnId, T0));
      }
    }
    assertEquals(state, stateOf(txnId));
    return txnId;
  }

  /** The log's write that moves a row to {@code to}: true when it moved it. */
  private boolean moveTo(String txnId, SignupState to) {
    return switch (to) {
      case COMMITTING -> commit(txnId);
      case DONE -> await(signupLog.markDone(txnId, T0, null));
      case ABORTING -> abort(txnId);
      case ABORTED -> signupLog.markAborted(txnId, T0);
      case TRYING -> throw new AssertionError("no write moves a row back to TRYING");
    };
  }

  @Test
  void everyMoveTheStateTableAllowsIsMadeAndEveryOtherChangesNothing() {
    for (SignupState from : SignupState.values()) {
      for (SignupState to : SignupState.values()) {
        if (to == SignupState.TRYING) {
          continue; // only ever written by the insert of a new row
        }
        String txnId = rowIn(from);
        boolean allowed = to.allowedFrom().contains(from);

        assertEquals(allowed, moveTo(txnId, to), from + " -> " + to);
        assertEquals(allowed ? to : from, stateOf(txnId), from + " -> " + to);
      }
    }
  }

  @Test
  void theRecoveryScanReadsThePartialIndexOfUnfinishedRowsNotTheWholeTable() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite's query plan");
    List<String> plan = db.read(h -> h.createQuery("EXPLAIN QUERY PLAN "
            + SqlSignupLog.CLAIM_FOR_RECOVERY)
        .bind("me", "local")
        .bind("until", T0.toEpochMilli())
        .bind("now", T0.toEpochMilli())
        .bind("decidedBefore", T0.toEpochMilli())
        .bind("limit", 100)
        .map((rs, ctx) -> rs.getString("detail"))
        .list());

    assertTrue(plan.stream().anyMatch(step -> step.contains("signup_txn_unfinished")),
        "query plan: " + plan);
  }

  @Test
  void aRowAnotherOrchestratorDrivesIsLeftToItUntilItsClaimRunsOut() {
    assumeTrue(dialect == Dialect.POSTGRESQL, "orchestrators share a log on PostgreSQL");
    try (Database otherDb = location.open(OrchestratorSchema.SPEC)) {
      SqlSignupLog other = new SqlSignupLog(otherDb);
      trying("t1");
      assertTrue(await(signupLog.markCommitting("t1", T0, GLOBAL, T0.plusSeconds(1),
          T0.plusSeconds(13))));

      assertEquals(List.of(), claim(other, T0.plusSeconds(5), 10), "its request drives it");
      assertEquals(List.of("t1"), claim(other, T0.plusSeconds(14), 10).stream()
          .map(SignupRecord::txnId).toList(), "the first orchestrator's claim ran out");
      assertEquals(List.of(), claim(signupLog, T0.plusSeconds(15), 10),
          "the other's recovery holds it now");
    }
  }

  @Test
  void signupsMovingAtOnceOnPostgresAreNeverRefusedForConflictingWithEachOther() {
    assumeTrue(dialect == Dialect.POSTGRESQL, "PostgreSQL's predicate locks");
    // Time-ordered ids, as the coordinator makes them: every row's keys on the indexes' last
    // page, where SERIALIZABLE's page-wide predicate locks made one move conflict with the
    // next (thousands of runs refused in a bench, a few of them ten times running).
    TimeOrderedIds ids = new TimeOrderedIds(java.time.Clock.systemUTC());
    List<java.util.concurrent.CompletableFuture<Boolean>> signups = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String txnId = ids.next();
      signups.add(signupLog.insertTrying(record(txnId, "request-" + i, T0))
          .thenCompose(earlier -> signupLog.markCommitting(txnId, T0, GLOBAL,
              T0.plusSeconds(1), T0.plusSeconds(13)))
          .thenCompose(committing -> signupLog.markDone(txnId, T0.plusSeconds(2), null)));
    }

    for (java.util.concurrent.CompletableFuture<Boolean> signup : signups) {
      assertTrue(await(signup));
    }
    assertEquals(0, ((PostgresDatabase) db).writeConflicts());
    assertEquals(List.of(), signupLog.backlog());
  }

  @Test
  void twoOrchestratorsClaimingAtOnceNeverClaimTheSameRow() throws Exception {
    assumeTrue(dialect == Dialect.POSTGRESQL, "orchestrators share a log on PostgreSQL");
    for (int i = 0; i < 40; i++) {
      trying("t" + i, T0.plusMillis(i));
      commit("t" + i);
    }
    try (Database otherDb = location.open(OrchestratorSchema.SPEC)) {
      SqlSignupLog other = new SqlSignupLog(otherDb);
      Instant later = T0.plusSeconds(60);
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CompletableFuture<List<SignupRecord>> first =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> claimAfter(go, signupLog,
              later));
      java.util.concurrent.CompletableFuture<List<SignupRecord>> second =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> claimAfter(go, other, later));
      go.countDown();

      List<String> mine = first.get().stream().map(SignupRecord::txnId).toList();
      List<String> theirs = second.get().stream().map(SignupRecord::txnId).toList();
      assertTrue(mine.stream().noneMatch(theirs::contains), mine + " and " + theirs);
      assertEquals(40, mine.size() + theirs.size(), mine + " and " + theirs);
    }
  }

  private static List<SignupRecord> claimAfter(java.util.concurrent.CountDownLatch go,
      SqlSignupLog log, Instant now) {
    try {
      go.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return claim(log, now, 100);
  }

  @Test
  void oneRequestIdSentToTwoOrchestratorsAtOnceMakesOneRow() throws Exception {
    assumeTrue(dialect == Dialect.POSTGRESQL, "orchestrators share a log on PostgreSQL");
    try (Database otherDb = location.open(OrchestratorSchema.SPEC)) {
      SqlSignupLog other = new SqlSignupLog(otherDb);
      java.util.concurrent.CompletableFuture<Optional<SignupRecord>> first =
          signupLog.insertTrying(record("first", "req-1", T0));
      java.util.concurrent.CompletableFuture<Optional<SignupRecord>> second =
          other.insertTrying(record("second", "req-1", T0));

      List<Optional<SignupRecord>> answers = List.of(first.get(), second.get());
      assertEquals(1, answers.stream().filter(Optional::isEmpty).count(), answers.toString());
      String winner = signupLog.findByRequestId("req-1").orElseThrow().txnId();
      assertEquals(winner, answers.stream().flatMap(Optional::stream).findFirst().orElseThrow()
          .txnId(), "the loser is answered with the winner's row");
      assertEquals(1, db.<Integer>read(h -> h.createQuery("SELECT count(*) FROM signup_txn")
          .mapTo(Integer.class).one()));
    }
  }

  @Test
  void aTakenRequestIdReturnsTheExistingRecordAndWritesNothing() {
    assertEquals(Optional.empty(), await(signupLog.insertTrying(record("first", "req-1", T0))));

    Optional<SignupRecord> taken = await(signupLog.insertTrying(record("second", "req-1", T0)));

    assertEquals("first", taken.orElseThrow().txnId());
    assertEquals("req-1", taken.orElseThrow().requestId());
    assertTrue(signupLog.find("second").isEmpty());
    assertEquals("first", signupLog.findByRequestId("req-1").orElseThrow().txnId());
  }

  @Test
  void rowsWithoutRequestIdNeverCollideOnIt() {
    trying("t1");
    trying("t2");

    assertEquals("", signupLog.find("t1").orElseThrow().requestId());
    assertEquals("", signupLog.find("t2").orElseThrow().requestId());
    assertTrue(signupLog.findByRequestId("").isEmpty());
  }

  @Test
  void resolvingACommittingOrDoneTransactionAnswersCommit() {
    trying("committing");
    commit("committing");
    trying("done");
    commit("done");
    await(signupLog.markDone("done", T0, null));

    assertTrue(signupLog.resolveCommitted("committing", T0));
    assertTrue(signupLog.resolveCommitted("done", T0));
    assertEquals(SignupState.COMMITTING, stateOf("committing"));
    assertEquals(SignupState.DONE, stateOf("done"));
  }

  @Test
  void resolvingATryingTransactionAbortsItSoItCanNoLongerCommit() {
    trying("t1");

    assertFalse(signupLog.resolveCommitted("t1", T0.plusSeconds(3)));

    SignupRecord read = signupLog.find("t1").orElseThrow();
    assertEquals(SignupState.ABORTING, read.state());
    assertEquals(FailureKind.DEADLINE_EXCEEDED, read.failureKind());
    assertFalse(commit("t1"));
    assertFalse(signupLog.resolveCommitted("t1", T0.plusSeconds(4)));
  }

  @Test
  void resolvingAnAbortedTransactionAnswersAbort() {
    trying("t1");
    abort("t1");
    assertFalse(signupLog.resolveCommitted("t1", T0));
    signupLog.markAborted("t1", T0);
    assertFalse(signupLog.resolveCommitted("t1", T0));
    assertEquals(SignupState.ABORTED, stateOf("t1"));
  }

  @Test
  void resolvingAnUnknownTransactionRecordsItAbortedForGood() {
    assertFalse(signupLog.resolveCommitted("ghost", T0));

    SignupRecord ghost = signupLog.find("ghost").orElseThrow();
    assertEquals(SignupState.ABORTED, ghost.state());
    assertEquals(FailureKind.ABORTED, ghost.failureKind());
    assertFalse(commit("ghost"));
    assertEquals(SignupState.ABORTED, stateOf("ghost"));
    assertFalse(signupLog.resolveCommitted("ghost", T0.plusSeconds(1)));
  }

  @Test
  void recoveryGetsCommittingAbortingAndExpiredTryingRowsOldestFirst() {
    trying("expired", T0);
    trying("committing", T0.plusMillis(1));
    commit("committing");
    trying("aborting", T0.plusMillis(2));
    abort("aborting");
    trying("done", T0.plusMillis(3));
    commit("done");
    await(signupLog.markDone("done", T0, null));
    trying("aborted", T0.plusMillis(4));
    abort("aborted");
    signupLog.markAborted("aborted", T0);
    // Created later, so still before its deadline at the scan.
    trying("fresh", T0.plusSeconds(5));
    Instant scan = T0.plus(TRY).plusSeconds(1);

    List<String> found = claim(signupLog, scan, scan, 10).stream()
        .map(SignupRecord::txnId).toList();

    assertEquals(List.of("expired", "committing", "aborting"), found);
  }

  @Test
  void aTryingRowIsDueForRecoveryOnlyAfterItsDeadline() {
    trying("t1");
    Instant deadline = T0.plus(TRY);

    assertEquals(List.of(), claim(signupLog, deadline, deadline, 10));
    assertEquals(List.of("t1"), claim(signupLog, deadline.plusMillis(1), deadline.plusMillis(1),
        10).stream().map(SignupRecord::txnId).toList());
  }

  @Test
  void aDecidedRowIsDueForRecoveryOnlyOnceItWasDecidedBeforeTheGivenTime() {
    trying("committing", T0);
    commit("committing"); // decided at T0 + 1 s
    trying("aborting", T0.plusMillis(1));
    abort("aborting"); // decided at T0 + 1 s
    Instant decided = T0.plusSeconds(1);

    assertEquals(List.of(), claim(signupLog, decided, decided, 10),
        "its request is still driving it");
    assertEquals(List.of("committing", "aborting"), claim(signupLog, decided,
        decided.plusMillis(1), 10).stream().map(SignupRecord::txnId).toList());
  }

  @Test
  void recoveryScansAreLimitedToTheBatchSize() {
    for (int i = 0; i < 5; i++) {
      trying("t" + i, T0.plusMillis(i));
      commit("t" + i);
    }

    assertEquals(List.of("t0", "t1"), claim(signupLog, T0, T0.plusSeconds(2), 2).stream()
        .map(SignupRecord::txnId).toList());
  }

  @Test
  void purgeRemovesOnlyDoneAndAbortedRowsFinishedBeforeTheCutoff() {
    Instant lately = T0.plus(Duration.ofDays(8));
    trying("trying");
    trying("committing");
    commit("committing");
    trying("aborting");
    abort("aborting");
    trying("done");
    commit("done");
    await(signupLog.markDone("done", T0.plusSeconds(2), null));
    trying("aborted");
    abort("aborted");
    signupLog.markAborted("aborted", T0.plusSeconds(2));
    assertFalse(signupLog.resolveCommitted("unknown-resolved-aborted", T0.plusSeconds(2)));
    trying("done-lately");
    commit("done-lately");
    await(signupLog.markDone("done-lately", lately, null));
    trying("aborted-lately");
    abort("aborted-lately");
    signupLog.markAborted("aborted-lately", lately);

    int purged = signupLog.purgeFinishedBefore(lately.minus(Duration.ofDays(7)), 500);

    assertEquals(3, purged);
    assertEquals(List.of("aborted-lately", "aborting", "committing", "done-lately", "trying"),
        txnIds(), "unfinished rows stay however old, finished ones until the cutoff");
  }

  @Test
  void purgeTakesAtMostItsLimitOldestFirst() {
    for (int i = 0; i < 5; i++) {
      trying("t" + i);
      abort("t" + i);
      signupLog.markAborted("t" + i, T0.plusSeconds(10 - i));
    }
    Instant cutoff = T0.plusSeconds(60);

    assertEquals(2, signupLog.purgeFinishedBefore(cutoff, 2));
    assertEquals(List.of("t0", "t1", "t2"), txnIds());
    assertEquals(3, signupLog.purgeFinishedBefore(cutoff, 500));
    assertEquals(0, signupLog.purgeFinishedBefore(cutoff, 500));
  }

  @Test
  void aRequestIdWhoseRowWasPurgedStartsANewSignup() {
    assertEquals(Optional.empty(), await(signupLog.insertTrying(record("first", "req-1", T0))));
    abort("first");
    signupLog.markAborted("first", T0.plusSeconds(1));
    signupLog.purgeFinishedBefore(T0.plusSeconds(2), 500);

    Optional<SignupRecord> taken = await(signupLog.insertTrying(record("second", "req-1", T0)));

    assertEquals(Optional.empty(), taken, "kept for the retention only, as AIP-155 allows");
    assertEquals("second", signupLog.findByRequestId("req-1").orElseThrow().txnId());
    assertFalse(signupLog.resolveCommitted("first", T0.plusSeconds(3)),
        "a purged transaction is unknown, and an unknown one is aborted");
  }

  @Test
  void purgeFindsTheOldRowsThroughTheFinishedIndexWithoutReadingTheLog() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite's query plan");
    List<String> plan = db.read(handle -> handle.createQuery(
            "EXPLAIN QUERY PLAN " + SqlSignupLog.PURGE_FINISHED)
        .bind("cutoff", 0L)
        .bind("limit", 500)
        .map((rs, ctx) -> rs.getString("detail"))
        .list());

    assertTrue(plan.stream().anyMatch(step -> step.contains("INDEX signup_txn_finished")),
        plan::toString);
    assertTrue(plan.stream().noneMatch(step -> step.startsWith("SCAN")), plan::toString);
  }

  private List<String> txnIds() {
    return db.read(handle -> handle.createQuery("SELECT txn_id FROM signup_txn ORDER BY txn_id")
        .mapTo(String.class).list());
  }

  @Test
  void aLogMadeBeforeFlywayKeepsItsUnfinishedSignupsAndHasTheSchemaOfANewLog() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite files were made before Flyway");
    Path old = dir.resolve("old-orchestrator.db");
    // The v1 schema exactly as the runner before Flyway created it, and a sign-up left TRYING.
    PreFlywayFiles.create(old, OrchestratorSchema.APPLICATION_ID, 1, """
        CREATE TABLE signup_txn (
          txn_id            TEXT PRIMARY KEY,
          request_id        TEXT UNIQUE,
          fingerprint       TEXT,
          state             TEXT NOT NULL
              CHECK (state IN ('TRYING', 'COMMITTING', 'DONE', 'ABORTING', 'ABORTED')),
          client_id         TEXT,
          email             TEXT,
          name              TEXT,
          region            TEXT,
          device            TEXT,
          client_created_at INTEGER,
          subscription_id   TEXT,
          plan_id           TEXT,
          plan_name         TEXT,
          plan_region       TEXT,
          plan_device       TEXT,
          amount_minor      INTEGER,
          currency          TEXT,
          failure_kind      TEXT,
          failure_message   TEXT,
          created_at        INTEGER NOT NULL,
          updated_at        INTEGER NOT NULL,
          deadline_at       INTEGER NOT NULL
        )""", """
        CREATE INDEX signup_txn_unfinished ON signup_txn (state, deadline_at)
          WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING')""",
        "INSERT INTO signup_txn (txn_id, fingerprint, state, client_id, email, name, region,"
            + " device, created_at, updated_at, deadline_at) VALUES ('txn-0', 'fp', 'TRYING',"
            + " 'client-0', 'old@example.com', 'Old Timer', 'GB', 'WEB', 0, 0, 0)");

    try (SqliteDatabase adopted = SqliteDatabase.open(OrchestratorSchema.SPEC, old)) {
      assertEquals(List.of("txn-0"), claim(new SqlSignupLog(adopted), T0, T0, 10)
          .stream().map(SignupRecord::txnId).toList());
    }
    assertEquals(PreFlywayFiles.schema(dir.resolve("orchestrator.db")),
        PreFlywayFiles.schema(old));
  }
}
