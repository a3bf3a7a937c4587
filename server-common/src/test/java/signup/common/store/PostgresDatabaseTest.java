package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import signup.common.domain.Completions;
import signup.common.domain.WriteConflictException;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * What the PostgreSQL store adds to what every store does (the store suites run on it too): the
 * owner row that stands for SQLite's application_id, serializable writes retried, the login
 * kept out of every message, a server that cannot be reached.
 */
class PostgresDatabaseTest {
  private final TestPostgres postgres = TestPostgres.shared();

  @Test
  void anotherServicesDatabaseIsRefusedBeforeAnythingIsWritten() {
    PostgresServer location = postgres.createDatabase();
    location.open(TestDatabases.spec()).close();
    DatabaseSpec other = new DatabaseSpec("other", 0x4F544852, TestDatabases.spec().scripts());

    DatabaseUnusableException refused =
        assertThrows(DatabaseUnusableException.class, () -> location.open(other));

    assertEquals("refusing the other database at " + location.describe()
        + ": it belongs to another service (the test database): each service needs a database "
        + "of its own", refused.getMessage());
  }

  @Test
  void aDatabaseHoldingTablesOfSomethingElseIsRefusedAndLeftAsItWas() throws Exception {
    PostgresServer location = postgres.createDatabase();
    String name = location.url().substring(location.url().lastIndexOf('/') + 1);
    try (var connection = postgres.dataSource(name).getConnection();
        var statement = connection.createStatement()) {
      statement.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> location.open(TestDatabases.spec()));

    assertTrue(refused.getMessage().contains("holds tables but is not a test database"),
        refused.getMessage());
    try (var connection = postgres.dataSource(name).getConnection();
        var rs = connection.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      List<String> tables = new ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString("TABLE_NAME"));
      }
      assertEquals(List.of("invoices"), tables);
    }
  }

  @Test
  void aServerThatCannotBeReachedStopsTheOpenWithOneLineNamingIt() {
    PostgresServer nowhere = new PostgresServer("jdbc:postgresql://127.0.0.1:1/client", "svc",
        "s3cret-password");

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> nowhere.open(TestDatabases.spec()));

    assertTrue(refused.getMessage().startsWith(
        "cannot reach the test database at postgresql://127.0.0.1:1/client: "),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
    assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
  }

  @Test
  void theLoginNeverShowsWhenTheLocationIsPrintedAndAPasswordInTheUrlIsRefused() {
    PostgresServer location = new PostgresServer(
        "jdbc:postgresql://db.example:5432/client?sslmode=require", "svc", "s3cret-password");

    assertEquals("postgresql://db.example:5432/client", location.describe());
    assertFalse(location.toString().contains("s3cret"), location.toString());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new PostgresServer("jdbc:postgresql://db/client?password=s3cret", "svc", ""));
    assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
  }

  @Test
  void concurrentReadModifyWritesAreAllKeptThroughSerializationRetries() throws Exception {
    int writers = 8;
    try (Database db = postgres.createDatabase(TestDatabases.spec()).open(TestDatabases.spec())) {
      db.write(handle -> handle.execute("INSERT INTO items (name) VALUES ('0')"));
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          done.add(pool.submit(() -> {
            go.await();
            // Read, then write what was read plus one: two of these at once are a lost update
            // unless the database serialises them (and retries the one it refuses).
            return db.write(handle -> handle.createUpdate("UPDATE items SET name = :next")
                .bind("next", String.valueOf(Integer.parseInt(handle.createQuery(
                    "SELECT name FROM items").mapTo(String.class).one()) + 1))
                .execute());
          }));
        }
        go.countDown();
        for (Future<Integer> each : done) {
          assertEquals(1, each.get());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(String.valueOf(writers),
          db.read(handle -> handle.createQuery("SELECT name FROM items").mapTo(String.class)
              .one()));
    }
  }

  @Test
  void aWriteTheServerRefusesEveryRunIsAnsweredAsAConflictWithNothingWritten() {
    try (PostgresDatabase db = (PostgresDatabase) postgres.createDatabase(TestDatabases.spec())
        .open(TestDatabases.spec())) {
      // The server itself raises serialization_failure (SQLSTATE 40001) on every run, after
      // the unit's first write: what a unit always caught in a conflict sees.
      WriteConflictException refused = assertThrows(WriteConflictException.class,
          () -> db.write(handle -> {
            handle.execute("INSERT INTO items (name) VALUES ('half-written')");
            return handle.execute("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = "
                + "'serialization_failure'; END $$");
          }));

      assertEquals("the test database refused this write 10 times for conflicting with "
          + "concurrent writes: nothing was written; try again", refused.getMessage());
      assertEquals(PostgresDatabase.ATTEMPTS, db.writeConflicts());
      assertEquals(0, db.<Integer>read(handle -> handle.createQuery(
          "SELECT count(*) FROM items").mapTo(Integer.class).one()));
      assertTrue(db.writable(), "a conflict is no fault of the server's");
    }
  }

  @Test
  void guardedWritesRunAtReadCommittedAndTheOthersSerializable() {
    try (Database db = postgres.createDatabase(TestDatabases.spec()).open(TestDatabases.spec())) {
      String isolation = "SELECT current_setting('transaction_isolation')";

      assertEquals("read committed", Completions.await(db.writeGuardedAsync(handle ->
          handle.createQuery(isolation).mapTo(String.class).one())));
      // For the transaction only: the connection's own default is left as it was.
      assertEquals("serializable", Completions.await(db.writeGuardedAsync(handle ->
          handle.createQuery("SELECT current_setting('default_transaction_isolation')")
              .mapTo(String.class).one())));
      assertEquals("serializable", Completions.await(db.writeAsync(handle ->
          handle.createQuery(isolation).mapTo(String.class).one())));
      assertEquals("serializable", db.write(handle ->
          handle.createQuery(isolation).mapTo(String.class).one()));
    }
  }

  @Test
  void aRedoableWriteCommitsWithoutWaitingForTheDiskAndTheOthersStillWait() {
    var created = postgres.createDatabase(TestDatabases.spec());
    // The test server runs with synchronous_commit off for speed: this database's sessions
    // get the production default back, so that the one write without it stands out.
    try (Database admin = created.open(TestDatabases.spec())) {
      admin.write(handle -> handle.execute("ALTER DATABASE \"" + handle.createQuery(
          "SELECT current_database()").mapTo(String.class).one()
          + "\" SET synchronous_commit = on"));
    }
    try (Database db = created.open(TestDatabases.spec())) {
      String sync = "SELECT current_setting('synchronous_commit') || ' ' "
          + "|| current_setting('transaction_isolation')";

      assertEquals("off read committed", Completions.await(db.writeRedoableAsync(handle -> {
        TestDatabases.insertItem(handle, "done");
        return handle.createQuery(sync).mapTo(String.class).one();
      })));
      assertEquals(1L, db.<Long>read(TestDatabases::itemCount), "committed when answered");
      // SET LOCAL: the pooled connection goes back to the server's setting.
      assertEquals("on read committed", Completions.await(db.writeGuardedAsync(handle ->
          handle.createQuery(sync).mapTo(String.class).one())));
      assertEquals("on serializable", Completions.await(db.writeAsync(handle ->
          handle.createQuery(sync).mapTo(String.class).one())));
    }
  }

  @Test
  void everyWriterThreadStartsWithTheDatabaseNotWithTheWriteThatFirstNeedsIt() {
    // A thread inherits the CPU priority of the thread that makes it: made by a write's
    // submitter (a client-server hasher, at nice 10), a writer would keep that priority.
    try (PostgresDatabase db = (PostgresDatabase) postgres.createDatabase(TestDatabases.spec())
        .open(TestDatabases.spec())) {
      assertEquals(PostgresDatabase.WRITERS, db.writerThreads());
    }
  }

  @Test
  void replicasStartingAtOnceOnAnEmptyDatabaseAllOpenIt() throws Exception {
    PostgresServer location = postgres.createDatabase();
    List<CompletableFuture<Database>> opening = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      opening.add(CompletableFuture.supplyAsync(() -> location.open(TestDatabases.spec())));
    }
    for (CompletableFuture<Database> replica : opening) {
      try (Database db = replica.get()) {
        assertEquals(Dialect.POSTGRESQL, db.dialect());
        assertTrue(db.writable());
      }
    }
    try (Database db = location.open(TestDatabases.spec())) {
      assertEquals(1, db.<Integer>read(handle -> handle.createQuery(
          "SELECT count(*) FROM migration_runs").mapTo(Integer.class).one()),
          "each script ran once");
    }
  }
}
