package signup.subscription.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static signup.common.domain.Completions.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import signup.common.MutableClock;
import signup.common.domain.Device;
import signup.common.domain.TransactionCancelledException;
import signup.common.domain.TransactionOutcomeConflictException;
import signup.common.domain.TxnResult;
import signup.common.store.Database;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseUnusableException;
import signup.common.store.Dialect;
import signup.common.store.FreshDatabases;
import signup.common.store.PreFlywayFiles;
import signup.common.store.SqliteDatabase;
import signup.common.store.TccBarrier;
import signup.common.store.WriteObserver;
import signup.subscription.domain.Plan;
import signup.subscription.domain.SeededPlans;
import signup.subscription.domain.Subscription;
import signup.subscription.domain.SubscriptionExistsException;

/** The subscription repository on SQLite and on PostgreSQL: one suite, run once per dialect. */
@ParameterizedClass(name = "on {0}")
@EnumSource(Dialect.class)
class SubscriptionRepositoryTest {
  @Parameter
  Dialect dialect;
  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
  private DatabaseLocation location;
  private Database db;
  private SqlSubscriptionRepository repository;

  @BeforeEach
  void open() {
    location = FreshDatabases.migrated(dialect, SubscriptionSchema.SPEC, dir);
    reopen();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void reopen() {
    db = location.open(SubscriptionSchema.SPEC);
    repository = new SqlSubscriptionRepository(db, clock);
  }

  private int count(String table) {
    return db.read(h -> h.createQuery("SELECT count(*) FROM " + table)
        .mapTo(Integer.class).one());
  }

  private Optional<String> barrierState(String txnId) {
    return db.read(h -> TccBarrier.state(h, txnId).map(Enum::name));
  }

  @Test
  void theMigrationSeedsTheThreePlansOfTheDesign() {
    assertEquals(SeededPlans.ALL, repository.loadPlans());
  }

  @Test
  void aReservedSubscriptionIsStoredPendingAndInvisibleToReaders() {
    Subscription reserved = await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));

    assertEquals(Subscription.Status.PENDING, reserved.status());
    assertEquals(Optional.empty(), repository.findActive("client-1"));
    assertEquals(Optional.of("RESERVED"), barrierState("txn-1"));
  }

  @Test
  void aBatchOfConfirmsIsOneWriteStampingEachAndACancelledTxnFailsAlone() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));
    await(repository.reserve("txn-2", pending("client-2", SeededPlans.US_IOS)));
    await(repository.cancel("txn-2"));
    await(repository.reserve("txn-3", pending("client-3", SeededPlans.GLOBAL)));
    Instant later = clock.instant().plusSeconds(5);
    AtomicInteger writes = new AtomicInteger();
    db.observeWrites(() -> {
      writes.incrementAndGet();
      return WriteObserver.NONE_DONE;
    });

    List<TxnResult<Subscription>> results =
        await(repository.confirmAll(List.of("txn-1", "txn-2", "txn-3"), later));

    assertEquals(1, writes.get(), "one write for the whole batch");
    assertEquals(Optional.of(results.get(0).value()), repository.findActive("client-1"));
    assertEquals(later, results.get(0).value().updatedAt());
    assertInstanceOf(TransactionOutcomeConflictException.class, results.get(1).failure());
    assertEquals(Optional.of(results.get(2).value()), repository.findActive("client-3"));
    // A repeat answers the stored time, as Confirm does.
    assertEquals(later, await(repository.confirmAll(List.of("txn-3"), later.plusSeconds(9)))
        .get(0).value().updatedAt());
  }

  @Test
  void aConfirmedSubscriptionIsReadBackWithItsPlan() {
    Subscription reserved = await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));
    Instant later = clock.instant().plusSeconds(5);

    Subscription confirmed = await(repository.confirm("txn-1", later));

    assertEquals(Subscription.Status.ACTIVE, confirmed.status());
    assertEquals(later, confirmed.updatedAt());
    assertEquals(reserved.createdAt(), confirmed.createdAt());
    assertEquals(Optional.of(confirmed), repository.findActive("client-1"));
  }

  @Test
  void onceTheRetentionPurgedItsBarrierRowTheActiveSubscriptionStillAnswersForItsTxn() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));
    Subscription confirmed = await(repository.confirm("txn-1", clock.instant()));
    clock.advance(Duration.ofDays(8));

    assertEquals(1, TccBarrier.finishedRecords(db)
        .purgeFinishedBefore(clock.instant().minus(Duration.ofDays(7)), 500));

    assertEquals(Optional.of(confirmed), repository.findActive("client-1"), "kept for good");
    assertEquals(confirmed, await(repository.confirm("txn-1", clock.instant())),
        "a late confirm is a replay");
    assertThrows(TransactionOutcomeConflictException.class,
        () -> await(repository.cancel("txn-1")));
    assertEquals(Optional.of(confirmed), repository.findActive("client-1"));
  }

  @Test
  void aSecondSubscriptionForOneClientIsRefusedAndLeavesNoBarrierRecord() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));

    SubscriptionExistsException e = assertThrows(SubscriptionExistsException.class,
        () -> await(repository.reserve("txn-2", pending("client-1", SeededPlans.GLOBAL))));

    assertEquals("client-1", e.clientId());
    assertEquals(1, count("subscriptions"));
    assertEquals(Optional.empty(), barrierState("txn-2"));
  }

  @Test
  void ofConcurrentReservationsForOneClientExactlyOneWins() throws Exception {
    int attempts = 8;
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Subscription>> results = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        String txnId = "txn-" + i;
        results.add(pool.submit(() -> {
          go.await();
          return await(repository.reserve(txnId, pending("client-1", SeededPlans.US_IOS)));
        }));
      }
      go.countDown();
      int won = 0;
      int refused = 0;
      for (Future<Subscription> result : results) {
        try {
          result.get();
          won++;
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof SubscriptionExistsException, e.toString());
          refused++;
        }
      }
      assertEquals(1, won);
      assertEquals(attempts - 1, refused);
      assertEquals(1, count("subscriptions"));
      assertEquals(1, count("txn_barrier"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCancelledReservationIsRemovedAndTheClientMaySignUpAgain() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));

    await(repository.cancel("txn-1"));

    assertEquals(0, count("subscriptions"));
    assertEquals(Optional.of("CANCELLED"), barrierState("txn-1"));
    await(repository.reserve("txn-2", pending("client-1", SeededPlans.US_IOS)));
    assertEquals(1, count("subscriptions"));
  }

  @Test
  void aReserveAfterItsCancelIsRefusedAndWritesNothing() {
    await(repository.cancel("txn-1"));

    assertThrows(TransactionCancelledException.class,
        () -> await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS))));
    assertEquals(0, count("subscriptions"));
  }

  @Test
  void changingThePlanKeepsEverythingElse() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));
    Subscription confirmed = await(repository.confirm("txn-1", clock.instant()));
    Instant later = clock.instant().plusSeconds(60);

    Subscription moved = repository.changePlan("client-1", SeededPlans.GLOBAL, later)
        .orElseThrow();

    assertEquals(confirmed.withPlan(SeededPlans.GLOBAL, later), moved);
    assertEquals(Optional.of(moved), repository.findActive("client-1"));
  }

  @Test
  void aPendingSubscriptionCannotChangePlan() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_IOS)));

    assertEquals(Optional.empty(),
        repository.changePlan("client-1", SeededPlans.GLOBAL, clock.instant()));
  }

  @Test
  void onlyReservationsOlderThanTheCutoffAreDueOldestFirst() {
    await(repository.reserve("txn-old", pending("client-1", SeededPlans.US_IOS)));
    clock.advance(Duration.ofSeconds(10));
    await(repository.reserve("txn-newer", pending("client-2", SeededPlans.US_IOS)));
    clock.advance(Duration.ofSeconds(10));
    await(repository.reserve("txn-young", pending("client-3", SeededPlans.US_IOS)));
    await(repository.reserve("txn-done", pending("client-4", SeededPlans.US_IOS)));
    await(repository.confirm("txn-done", clock.instant()));

    assertEquals(List.of("txn-old", "txn-newer"),
        repository.claimReservedBefore(clock.instant().minusSeconds(5), clock.instant(), 10));
    assertEquals(List.of("txn-old"),
        repository.claimReservedBefore(clock.instant().minusSeconds(5), clock.instant(), 1));
  }

  @Test
  void confirmedSubscriptionsSurviveAReopen() {
    await(repository.reserve("txn-1", pending("client-1", SeededPlans.US_ANDROID)));
    Subscription confirmed = await(repository.confirm("txn-1", clock.instant()));
    db.close();

    reopen();

    assertEquals(Optional.of(confirmed), repository.findActive("client-1"));
  }

  @Test
  void aFileThatIsNotADatabaseIsRefused() throws Exception {
    assumeTrue(dialect == Dialect.SQLITE, "a SQLite file");
    Path garbage = dir.resolve("garbage.db");
    Files.write(garbage, "this is not a SQLite database, just some text".repeat(100).getBytes());

    DatabaseUnusableException e = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(SubscriptionSchema.SPEC, garbage));
    assertTrue(e.getMessage().contains("subscription"), e.getMessage());
  }

  @Test
  void anotherApplicationsDatabaseIsRefused() {
    assumeTrue(dialect == Dialect.SQLITE, "a SQLite file (PostgresDatabaseTest: its owner row)");
    Path other = dir.resolve("client.db");
    PreFlywayFiles.create(other, 0x434C4E54, 1, "CREATE TABLE clients (client_id TEXT)");

    DatabaseUnusableException e = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(SubscriptionSchema.SPEC, other));
    assertTrue(e.getMessage().contains("another application"), e.getMessage());
  }

  @Test
  void aFileMadeBeforeFlywayKeepsItsPlansAndSubscriptionsAndHasTheSchemaOfANewFile() {
    assumeTrue(dialect == Dialect.SQLITE, "SQLite files were made before Flyway");
    Path old = dir.resolve("old-subscription.db");
    // The v1 schema exactly as the runner before Flyway created it, and a subscription of then.
    PreFlywayFiles.create(old, SubscriptionSchema.APPLICATION_ID, 1, """
        CREATE TABLE plans (
          plan_id      TEXT PRIMARY KEY,
          name         TEXT NOT NULL,
          region       TEXT,
          device       TEXT CHECK (device IN ('IOS', 'ANDROID', 'WEB')),
          amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
          currency     TEXT NOT NULL,
          rank         INTEGER
        )""", """
        INSERT INTO plans (plan_id, name, region, device, amount_minor, currency, rank) VALUES
          ('us-ios', 'US iOS', 'US', 'IOS', 999, 'USD', 1),
          ('us-android', 'US Android', 'US', 'ANDROID', 799, 'USD', 2),
          ('global', 'Global', NULL, NULL, 499, 'USD', 3)""", """
        CREATE TABLE subscriptions (
          subscription_id TEXT PRIMARY KEY,
          txn_id          TEXT NOT NULL UNIQUE,
          client_id       TEXT NOT NULL UNIQUE,
          plan_id         TEXT NOT NULL REFERENCES plans (plan_id),
          region          TEXT NOT NULL,
          device          TEXT NOT NULL CHECK (device IN ('IOS', 'ANDROID', 'WEB')),
          status          TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE')),
          created_at      INTEGER NOT NULL,
          updated_at      INTEGER NOT NULL
        )""", """
        CREATE TABLE txn_barrier (
          txn_id     TEXT PRIMARY KEY,
          state      TEXT NOT NULL CHECK (state IN ('RESERVED', 'CONFIRMED', 'CANCELLED')),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        )""",
        "CREATE INDEX txn_barrier_reserved ON txn_barrier (created_at) WHERE state = 'RESERVED'",
        "INSERT INTO subscriptions VALUES ('sub-0', 'txn-0', 'client-0', 'global', 'GB', 'WEB',"
            + " 'ACTIVE', 1700000000000, 1700000000000)",
        "INSERT INTO txn_barrier VALUES ('txn-0', 'CONFIRMED', 1700000000000, 1700000000000)");

    for (int open = 0; open < 2; open++) {
      try (SqliteDatabase adopted = SqliteDatabase.open(SubscriptionSchema.SPEC, old)) {
        SqlSubscriptionRepository oldRepository = new SqlSubscriptionRepository(adopted, clock);
        assertEquals(SeededPlans.ALL, oldRepository.loadPlans());
        assertEquals("sub-0", oldRepository.findActive("client-0").orElseThrow().subscriptionId());
      }
    }
    assertEquals(PreFlywayFiles.schema(dir.resolve("subscription.db")),
        PreFlywayFiles.schema(old));
  }

  private Subscription pending(String clientId, Plan plan) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    return new Subscription(UUID.randomUUID().toString(), clientId, plan,
        Subscription.Status.PENDING, plan.region() == null ? "GB" : plan.region(),
        plan.device() == null ? Device.WEB : plan.device(), now, now);
  }
}
