package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.store.TestDatabases.insertItem;
import static signup.common.store.TestDatabases.itemCount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import signup.common.domain.Completions;

class SqliteDatabaseTest {
  @TempDir Path dir;

  @Test
  void writeIsVisibleToReadersAsSoonAsWriteReturns() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      db.write(handle -> {
        insertItem(handle, "first");
        return null;
      });
      assertEquals(List.of("first"), db.read(TestDatabases::items));
    }
  }

  @Test
  void writeReturnsWhatTheWorkReturned() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      long id = db.write(handle -> {
        insertItem(handle, "x");
        return handle.createQuery("SELECT id FROM items WHERE name = 'x'").mapTo(Long.class).one();
      });
      assertEquals(id, db.<Long>read(handle ->
          handle.createQuery("SELECT id FROM items WHERE name = 'x'").mapTo(Long.class).one()));
    }
  }

  @Test
  void writerUsesWalAndFullSynchronousByDefault() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      assertEquals("wal", db.write(handle -> pragma(handle, "journal_mode")));
      // 2 = FULL: an acknowledged write survives power loss.
      assertEquals("2", db.write(handle -> pragma(handle, "synchronous")));
      assertEquals("1", db.write(handle -> pragma(handle, "foreign_keys")));
      assertEquals("wal", db.read(handle -> pragma(handle, "journal_mode")));
    }
  }

  @Test
  void writerCachesPagesAndCheckpointsRarely() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      // Negative: in KiB. 64 MiB keeps the indexes of a few hundred thousand rows in memory.
      assertEquals("-65536", db.write(handle -> pragma(handle, "cache_size")));
      assertEquals("10000", db.write(handle -> pragma(handle, "wal_autocheckpoint")));
    }
  }

  @Test
  void aWriteThatChangesManyPagesInSavepointsOpensNoTemporaryFile() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      db.write(handle -> {
        for (int i = 0; i < 400; i++) {
          insertItem(handle, i + "x".repeat(1_000));
        }
        return null;
      });
      // Rewriting 400 KiB of existing rows inside a savepoint keeps an undo copy of every page
      // until the transaction ends: far past the 64 KiB SQLite keeps in memory by default.
      List<String> temporaryFiles = db.write(handle -> {
        handle.execute("SAVEPOINT many_pages");
        handle.execute("UPDATE items SET name = name || 'y'");
        List<String> open = openTemporaryFiles();
        handle.execute("RELEASE SAVEPOINT many_pages");
        return open;
      });
      assertEquals(List.of(), temporaryFiles);
      assertEquals(400L, db.read(TestDatabases::itemCount));
    }
  }

  /** This process's open files that SQLite created as temporary (etilqs_*) and unlinked. */
  private static List<String> openTemporaryFiles() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          return "";
        }
      }).filter(target -> target.contains("etilqs_")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aBatchOfRedoableWritesOnlyCommitsWithoutWaitingForTheDiskAndTheNextOrdinaryOneDoes() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      // 1 = NORMAL: in WAL, a commit that waits for no fsync; 2 = FULL.
      assertEquals("1", Completions.await(db.writeRedoableAsync(handle -> {
        insertItem(handle, "done");
        return pragma(handle, "synchronous");
      })));
      assertEquals(List.of("done"), db.read(TestDatabases::items), "committed when answered");
      assertEquals("2", Completions.await(db.writeAsync(handle -> pragma(handle, "synchronous"))));
      assertEquals("2", db.write(handle -> pragma(handle, "synchronous")));
      assertEquals("1", Completions.await(
          db.writeRedoableAsync(handle -> pragma(handle, "synchronous"))));
    }
  }

  @Test
  void aRedoableWriteGroupedWithAnOrdinaryOneCommitsAsDurablyAsIt() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      CountDownLatch writerBusy = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Object> holding = db.writeAsync(handle -> {
        writerBusy.countDown();
        awaitQuietly(release);
        return null;
      });
      writerBusy.await();
      // Both queue behind the held write, so the writer takes them as one batch.
      CompletableFuture<String> redoable =
          db.writeRedoableAsync(handle -> pragma(handle, "synchronous"));
      CompletableFuture<String> ordinary = db.writeAsync(handle -> pragma(handle, "synchronous"));
      release.countDown();
      Completions.await(holding);

      assertEquals("2", Completions.await(redoable));
      assertEquals("2", Completions.await(ordinary));
    }
  }

  @Test
  void aDatabaseOpenedAtNormalKeepsNormalForEveryWrite() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"),
        SqliteDatabase.Synchronous.NORMAL)) {
      assertEquals("1", Completions.await(
          db.writeRedoableAsync(handle -> pragma(handle, "synchronous"))));
      assertEquals("1", Completions.await(db.writeAsync(handle -> pragma(handle, "synchronous"))));
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void synchronousNormalIsUsedOnlyWhenAskedFor() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"),
        SqliteDatabase.Synchronous.NORMAL)) {
      assertEquals("1", db.write(handle -> pragma(handle, "synchronous")));
    }
  }

  @Test
  void readersCannotWrite() {
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      assertThrows(RuntimeException.class, () -> db.read(handle -> {
        insertItem(handle, "sneaky");
        return null;
      }));
      assertEquals(0L, db.read(TestDatabases::itemCount));
    }
  }

  @Test
  void reopeningTheFileKeepsTheData() {
    Path file = dir.resolve("a.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      db.write(handle -> {
        insertItem(handle, "kept");
        return null;
      });
    }
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      assertEquals(List.of("kept"), db.read(TestDatabases::items));
    }
  }

  @Test
  void aNewDatabaseAndItsWalAreReadableByTheirOwnerOnly() throws Exception {
    Path file = dir.resolve("private.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      db.write(h -> {
        insertItem(h, "one");
        return null;
      });
      for (String name : List.of("private.db", "private.db-wal", "private.db-shm")) {
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(name))), name);
      }
    }
  }

  @Test
  void aDatabaseLeftReadableByOthersIsTightenedWhenOpened() throws Exception {
    Path file = dir.resolve("old.db");
    SqliteDatabase.open(TestDatabases.spec(), file).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    SqliteDatabase.open(TestDatabases.spec(), file).close();

    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void missingDirectoriesAreCreated() {
    Path file = dir.resolve("nested/deeper/a.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      assertEquals(file.toAbsolutePath(), db.file());
      assertEquals("test", db.name());
    }
    assertTrue(Files.isRegularFile(file));
  }

  @Test
  void migrationsRunOnceAndRecordVersionAndApplicationId() {
    Path file = dir.resolve("a.db");
    for (int i = 0; i < 3; i++) {
      try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
        assertEquals(1L, db.<Long>read(handle ->
            handle.createQuery("SELECT count(*) FROM migration_runs").mapTo(Long.class).one()));
        assertEquals(List.of("1", "2", "3"),
            db.read(handle -> TestDatabases.appliedVersions(handle, "test")));
        assertEquals(List.of("1", "2", "3"),
            db.read(handle -> TestDatabases.appliedVersions(handle, "tcc_barrier")));
        assertEquals(String.valueOf(TestDatabases.APPLICATION_ID),
            db.read(handle -> pragma(handle, "application_id")));
      }
    }
  }

  @Test
  void newMigrationsAreAppliedToAnOlderFileAndKeepItsData() {
    Path file = dir.resolve("a.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.specUpTo(dir, 1), file)) {
      db.write(handle -> {
        insertItem(handle, "from v1");
        return null;
      });
      assertEquals(List.of("1"), db.read(handle -> TestDatabases.appliedVersions(handle, "test")));
    }
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      assertEquals(List.of("1", "2", "3"),
          db.read(handle -> TestDatabases.appliedVersions(handle, "test")));
      assertEquals(List.of("from v1"), db.read(TestDatabases::items));
      assertEquals(1L, db.<Long>read(handle ->
          handle.createQuery("SELECT count(*) FROM migration_runs").mapTo(Long.class).one()));
    }
  }

  @Test
  void aFailingMigrationLeavesTheFileAtItsPreviousVersion() {
    Path file = dir.resolve("a.db");
    SqliteDatabase.open(TestDatabases.specUpTo(dir, 1), file).close();
    DatabaseSpec broken = TestDatabases.specWithScripts(dir.resolve("broken"), Map.of(
        "V1__items.sql", TestDatabases.script("V1__items.sql"),
        "V2__half_good.sql", "CREATE TABLE good (x);\nCREATE TABLE items (x);\n"));

    DatabaseUnusableException refused =
        assertThrows(DatabaseUnusableException.class, () -> SqliteDatabase.open(broken, file));

    assertTrue(refused.getMessage().contains("its test schema could not be migrated"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("V2__half_good.sql"), refused.getMessage());
    assertTrue(refused.getMessage().contains("table items already exists"), refused.getMessage());
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.specUpTo(dir, 1), file)) {
      assertEquals(List.of("1"), db.read(handle -> TestDatabases.appliedVersions(handle, "test")));
      assertEquals(0L, db.<Long>read(handle -> handle.createQuery(
          "SELECT count(*) FROM sqlite_master WHERE name = 'good'").mapTo(Long.class).one()));
    }
  }

  @Test
  void writeAfterCloseFailsClearly() {
    SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"));
    db.close();

    IllegalStateException failure = assertThrows(IllegalStateException.class,
        () -> db.write(handle -> {
          insertItem(handle, "too late");
          return null;
        }));

    assertEquals("the database is closed", failure.getMessage());
  }

  @Test
  void closingTwiceIsHarmless() {
    SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"));
    db.close();
    db.close();
    try (SqliteDatabase again = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("a.db"))) {
      assertEquals(0L, again.read(TestDatabases::itemCount));
    }
  }

  static String pragma(org.jdbi.v3.core.Handle handle, String name) {
    return handle.createQuery("PRAGMA " + name).mapTo(String.class).one();
  }
}
