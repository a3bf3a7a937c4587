package signup.client.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static signup.common.domain.Completions.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import signup.client.domain.Client;
import signup.client.domain.LoginFailureStore;
import signup.client.domain.EmailTakenException;
import signup.client.domain.PendingClient;
import signup.client.security.SigningKeyStore;
import signup.common.MutableClock;
import signup.common.domain.BarrierState;
import signup.common.domain.Device;
import signup.common.domain.InvalidInputException;
import signup.common.domain.NotFoundException;
import signup.common.domain.TimeOrderedIds;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.domain.TxnResult;
import signup.common.store.Database;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseUnusableException;
import signup.common.store.Dialect;
import signup.common.store.FreshDatabases;
import signup.common.store.PostgresDatabase;
import signup.common.store.PreFlywayFiles;
import signup.common.store.SqliteDatabase;
import signup.common.store.TccBarrier;
import signup.common.store.WriteObserver;

/** The client store on SQLite and on PostgreSQL: one suite, run once per dialect. */
@ParameterizedClass(name = "on {0}")
@EnumSource(Dialect.class)
class ClientStoreTest {
  private static final String HASH =
      "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

  @Parameter
  Dialect dialect;
  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private DatabaseLocation location;
  private Database db;
  private SqlClientStore store;

  @BeforeEach
  void open() {
    location = FreshDatabases.migrated(dialect, ClientSchema.SPEC, dir);
    db = location.open(ClientSchema.SPEC);
    store = new SqlClientStore(db, clock);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static PendingClient pending(String txn, String clientId, String email) {
    return new PendingClient(txn, clientId, email, "Ann Lee", "US", Device.IOS, HASH);
  }

  private int clientRows() {
    return db.read(h -> h.createQuery("SELECT count(*) FROM clients").mapTo(Integer.class).one());
  }

  private Optional<BarrierState> barrier(String txn) {
    return db.read(h -> TccBarrier.state(h, txn));
  }

  @Test
  void reservesAndConfirmsAtOnceOnPostgresAreNeverRefusedForConflictingWithEachOther() {
    assumeTrue(dialect == Dialect.POSTGRESQL, "PostgreSQL's predicate locks");
    // Time-ordered txn ids, as the orchestrator sends them: all on the indexes' last page.
    TimeOrderedIds ids = new TimeOrderedIds(clock);
    List<CompletableFuture<Client>> signups = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String txn = ids.next();
      PendingClient pending = pending(txn, "client-" + i, "ann" + i + "@example.com");
      signups.add(store.reserve(pending).thenCompose(reserved -> store.confirm(txn)));
    }

    for (CompletableFuture<Client> signup : signups) {
      await(signup);
    }
    assertEquals(0, ((PostgresDatabase) db).writeConflicts());
    assertEquals(300, db.<Integer>read(h -> h.createQuery(
        "SELECT count(*) FROM clients WHERE status = 'CONFIRMED'").mapTo(Integer.class).one()));
  }

  @Test
  void aReserveReplayedWithTheSameTxnReturnsTheFirstClientAndWritesOneRow() {
    Client first = await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    clock.advance(Duration.ofSeconds(3));
    Client again = await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));

    assertEquals(first, again);
    assertEquals(clock.instant().minusSeconds(3), first.createdAt());
    assertEquals(1, clientRows());
    assertEquals(Optional.of(BarrierState.RESERVED), barrier("txn-1"));
  }

  @Test
  void confirmMakesTheClientVisibleAndIsIdempotent() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    clock.advance(Duration.ofSeconds(2));

    Client confirmed = await(store.confirm("txn-1"));
    clock.advance(Duration.ofSeconds(2));
    Client again = await(store.confirm("txn-1"));

    assertEquals(confirmed, again);
    assertEquals(clock.instant().minusSeconds(4), confirmed.createdAt(), "shown as signed up at");
    assertEquals(Optional.of(confirmed), store.findConfirmed("client-1"));
    assertEquals(Optional.of(confirmed), store.findConfirmedByEmail("ann@example.com"));
    assertEquals(Optional.of(BarrierState.CONFIRMED), barrier("txn-1"));
    // A reserve replayed after the confirm still answers the same client.
    assertEquals(confirmed, await(store.reserve(pending("txn-1", "client-1", "ann@example.com"))));
  }

  @Test
  void aBatchOfConfirmsIsOneWriteAndAnswersEachTxnAsItsConfirmAloneWould() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    await(store.reserve(pending("txn-2", "client-2", "bob@example.com")));
    await(store.reserve(pending("txn-3", "client-3", "cy@example.com")));
    await(store.cancel("txn-3"));
    AtomicInteger writes = new AtomicInteger();
    db.observeWrites(() -> {
      writes.incrementAndGet();
      return WriteObserver.NONE_DONE;
    });

    List<TxnResult<Client>> results =
        await(store.confirmAll(List.of("txn-1", "txn-3", "txn-never", "txn-2")));

    assertEquals(1, writes.get(), "one write for the whole batch");
    assertEquals(Optional.of(results.get(0).value()), store.findConfirmed("client-1"));
    assertInstanceOf(TransactionOutcomeConflictException.class, results.get(1).failure());
    assertInstanceOf(NotFoundException.class, results.get(2).failure());
    assertEquals(Optional.of(results.get(3).value()), store.findConfirmed("client-2"));
    assertEquals(Optional.empty(), store.findConfirmed("client-3"));
    assertEquals(Optional.of(BarrierState.CANCELLED), barrier("txn-3"));
    // Idempotent, as Confirm is: a repeat answers the same clients.
    assertEquals(List.of(results.get(3).value(), results.get(0).value()),
        await(store.confirmAll(List.of("txn-2", "txn-1"))).stream().map(TxnResult::value)
            .toList());
  }

  @Test
  void cancelRemovesThePendingClientAndIsIdempotent() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));

    await(store.cancel("txn-1"));
    await(store.cancel("txn-1"));

    assertEquals(0, clientRows());
    assertEquals(Optional.of(BarrierState.CANCELLED), barrier("txn-1"));
    // The e-mail is free again.
    await(store.reserve(pending("txn-2", "client-2", "ann@example.com")));
    assertEquals(1, clientRows());
  }

  @Test
  void onceTheRetentionPurgedItsBarrierRowTheConfirmedClientStillAnswersForItsTxn() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    Client confirmed = await(store.confirm("txn-1"));
    clock.advance(Duration.ofDays(8));

    assertEquals(1, TccBarrier.finishedRecords(db)
        .purgeFinishedBefore(clock.instant().minus(Duration.ofDays(7)), 500));

    assertEquals(Optional.empty(), barrier("txn-1"));
    assertEquals(Optional.of(confirmed), store.findConfirmed("client-1"), "kept for good");
    assertEquals(confirmed, await(store.confirm("txn-1")), "a late confirm is a replay");
    assertThrows(TransactionOutcomeConflictException.class, () -> await(store.cancel("txn-1")));
    assertEquals(Optional.empty(), barrier("txn-1"));
  }

  @Test
  void aCancelBeforeTheReserveLeavesATombstoneThatRefusesTheLateReserve() {
    await(store.cancel("txn-1"));

    assertThrows(TransactionCancelledException.class,
        () -> await(store.reserve(pending("txn-1", "client-1", "ann@example.com"))));

    assertEquals(0, clientRows());
    assertEquals(Optional.of(BarrierState.CANCELLED), barrier("txn-1"));
  }

  @Test
  void aConfirmOfACancelledTxnIsRefused() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    await(store.cancel("txn-1"));

    assertThrows(TransactionOutcomeConflictException.class, () -> await(store.confirm("txn-1")));
    assertEquals(Optional.empty(), store.findConfirmed("client-1"));
  }

  @Test
  void aCancelOfAConfirmedTxnIsRefusedAndTheClientStays() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    await(store.confirm("txn-1"));

    assertThrows(TransactionOutcomeConflictException.class, () -> await(store.cancel("txn-1")));
    assertTrue(store.findConfirmed("client-1").isPresent());
  }

  @Test
  void aConfirmOfAnUnknownTxnIsNotFoundAndWritesNothing() {
    assertThrows(NotFoundException.class, () -> await(store.confirm("txn-unknown")));
    assertEquals(Optional.empty(), barrier("txn-unknown"));
  }

  @Test
  void aPendingClientIsInvisibleToReads() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));

    assertEquals(Optional.empty(), store.findConfirmed("client-1"));
    assertEquals(Optional.empty(), store.findConfirmedByEmail("ann@example.com"));
  }

  @Test
  void anEmailHeldByAPendingClientIsTakenAndTheFailedReserveWritesNothing() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));

    assertThrows(EmailTakenException.class,
        () -> await(store.reserve(pending("txn-2", "client-2", "ann@example.com"))));

    assertEquals(1, clientRows());
    assertEquals(Optional.empty(), barrier("txn-2"), "no barrier row left by the failed reserve");
  }

  @Test
  void anEmailHeldByAConfirmedClientIsTaken() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    await(store.confirm("txn-1"));

    assertThrows(EmailTakenException.class,
        () -> await(store.reserve(pending("txn-2", "client-2", "ann@example.com"))));
  }

  @Test
  void aClientIdUsedByAnotherTxnIsInvalidInput() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> await(store.reserve(pending("txn-2", "client-1", "bob@example.com"))));

    assertEquals("client_id", e.violations().get(0).field());
    assertEquals(Optional.empty(), barrier("txn-2"));
  }

  @Test
  void anUnexpectedStoreFailureNeverCarriesTheHashInItsMessages() {
    PendingClient nameless =
        new PendingClient("txn-1", "client-1", "ann@example.com", null, "US", Device.IOS, HASH);

    RuntimeException e = assertThrows(RuntimeException.class, () -> await(store.reserve(nameless)));

    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    // SQLite says "NOT NULL constraint failed", PostgreSQL "violates not-null constraint"; with
    // no row values after it ("Failing row contains ..."): its connections are set so.
    assertTrue(trace.toString().toUpperCase(java.util.Locale.ROOT).replace('-', ' ')
        .contains("NOT NULL"), trace.toString());
    assertFalse(trace.toString().contains(HASH), trace.toString());
    assertEquals(0, clientRows());
  }

  @Test
  void reservedBeforeListsOnlyUndecidedReservationsOlderThanTheCutoff() {
    await(store.reserve(pending("txn-old", "client-1", "a@example.com")));
    await(store.reserve(pending("txn-confirmed", "client-2", "b@example.com")));
    await(store.confirm("txn-confirmed"));
    await(store.cancel("txn-tombstone"));
    clock.advance(Duration.ofSeconds(10));
    Instant cutoff = clock.instant();
    await(store.reserve(pending("txn-young", "client-3", "c@example.com")));

    assertEquals(List.of("txn-old"), store.claimReservedBefore(cutoff, clock.instant(), 100));
  }

  @Test
  void confirmedClientsSurviveAReopen() {
    await(store.reserve(pending("txn-1", "client-1", "ann@example.com")));
    Client confirmed = await(store.confirm("txn-1"));
    db.close();

    db = location.open(ClientSchema.SPEC);
    store = new SqlClientStore(db, clock);

    assertEquals(Optional.of(confirmed), store.findConfirmed("client-1"));
  }

  @Test
  void aFileThatIsNotSqliteIsRefused() throws IOException {
    assumeTrue(dialect == Dialect.SQLITE, "a SQLite file");
    Path garbage = dir.resolve("garbage.db");
    byte[] bytes = new byte[8192];
    new java.util.Random(42).nextBytes(bytes);
    Files.write(garbage, bytes);

    DatabaseUnusableException e = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(ClientSchema.SPEC, garbage));
    assertTrue(e.getMessage().contains("client database"), e.getMessage());
  }

  @Test
  void aDatabaseOfAnotherApplicationIsRefused() {
    assumeTrue(dialect == Dialect.SQLITE, "a SQLite file (PostgresDatabaseTest: its owner row)");
    Path other = dir.resolve("subscription.db");
    PreFlywayFiles.create(other, 0x53554253, 1, "CREATE TABLE plans (plan_id TEXT PRIMARY KEY)");

    DatabaseUnusableException e = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(ClientSchema.SPEC, other));
    assertTrue(e.getMessage().contains("another application"), e.getMessage());
  }

  @Test
  void aFileMadeBeforeFlywayKeepsItsClientsAndHasTheSchemaOfANewFile() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite files were made before Flyway");
    Path old = dir.resolve("old-client.db");
    // The v1 schema exactly as the runner before Flyway created it, and a client of those days.
    PreFlywayFiles.create(old, ClientSchema.APPLICATION_ID, 1, """
        CREATE TABLE clients (
          client_id     TEXT PRIMARY KEY,
          txn_id        TEXT NOT NULL UNIQUE,
          email         TEXT NOT NULL UNIQUE,
          name          TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          region        TEXT NOT NULL,
          device        TEXT NOT NULL,
          status        TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED')),
          created_at    INTEGER NOT NULL,
          confirmed_at  INTEGER
        )""", """
        CREATE TABLE txn_barrier (
          txn_id     TEXT PRIMARY KEY,
          state      TEXT NOT NULL CHECK (state IN ('RESERVED', 'CONFIRMED', 'CANCELLED')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        )""",
        "CREATE INDEX txn_barrier_reserved ON txn_barrier (created_at) WHERE state = 'RESERVED'",
        "INSERT INTO clients VALUES ('client-0', 'txn-0', 'old@example.com', 'Old Timer', '"
            + HASH + "', 'GB', 'WEB', 'CONFIRMED', 1700000000000, 1700000000000)",
        "INSERT INTO txn_barrier VALUES ('txn-0', 'CONFIRMED', 1700000000000, 1700000000000)");

    for (String txn : List.of("txn-1", "txn-2")) {
      try (SqliteDatabase adopted = SqliteDatabase.open(ClientSchema.SPEC, old)) {
        SqlClientStore oldStore = new SqlClientStore(adopted, clock);
        assertEquals("Old Timer", oldStore.findConfirmed("client-0").orElseThrow().name());
        assertThrows(EmailTakenException.class, () -> await(oldStore.reserve(
            pending(txn, "client-" + txn, "old@example.com"))));
      }
    }
    assertEquals(PreFlywayFiles.schema(dir.resolve("client.db")), PreFlywayFiles.schema(old));
  }

  @Test
  void failedLogInsAreCountedPerKeyInTheirWindowAndASuccessResetsItsKey() {
    SqlLoginFailureStore failures = new SqlLoginFailureStore(db);
    Instant t0 = clock.instant();
    Instant windowStart = t0.minus(Duration.ofMinutes(15));
    failures.countAttempt(List.of("email:a", "addr:1"), t0, windowStart);
    Map<String, LoginFailureStore.Failures> counted = failures.countAttempt(
        List.of("email:a", "addr:1"), t0.plusSeconds(1), windowStart.plusSeconds(1));

    assertEquals(new LoginFailureStore.Failures(2, t0), counted.get("email:a"));
    failures.succeeded("email:a", List.of("addr:1"));
    Map<String, LoginFailureStore.Failures> after = failures.countAttempt(
        List.of("email:a", "addr:1"), t0.plusSeconds(2), windowStart.plusSeconds(2));
    assertEquals(1, after.get("email:a").count(), "reset by the success");
    assertEquals(2, after.get("addr:1").count(), "one taken back, one more counted");
    // A window that has ended counts for nothing: the next failure starts a new one.
    Instant later = t0.plus(Duration.ofMinutes(20));
    assertEquals(new LoginFailureStore.Failures(1, later), failures.countAttempt(
        List.of("addr:1"), later, later.minus(Duration.ofMinutes(15))).get("addr:1"));
  }

  @Test
  void aSigningKeyIsAddedOnlyWhenTheNewestIsOldEnoughAndRetiredKeysAreDropped() {
    SqlSigningKeyStore keys = new SqlSigningKeyStore(db);
    Instant t0 = clock.instant();
    keys.addIfNewestBefore(new SigningKeyStore.StoredKey("k1", "{}", t0), t0, t0);
    keys.addIfNewestBefore(new SigningKeyStore.StoredKey("k2", "{}", t0.plusSeconds(1)),
        t0, t0);
    assertEquals(List.of("k1"), keys.all().stream().map(SigningKeyStore.StoredKey::keyId)
        .toList(), "k1 is new enough: no second key");

    keys.addIfNewestBefore(new SigningKeyStore.StoredKey("k3", "{}", t0.plusSeconds(60)),
        t0.plusSeconds(30), t0);
    keys.addIfNewestBefore(new SigningKeyStore.StoredKey("k4", "{}", t0.plusSeconds(120)),
        t0.plusSeconds(90), t0.plusSeconds(61));
    assertEquals(List.of("k3", "k4"), keys.all().stream()
        .map(SigningKeyStore.StoredKey::keyId).toList(), "k1's successor came before 61 s");
  }
}
