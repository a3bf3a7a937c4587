package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway runs each part's scripts once, and refuses a file whose applied scripts changed. */
class SchemaMigratorTest {
  private static final String BARRIER_V1 = "CREATE TABLE txn_barrier (\n"
      + "  txn_id     TEXT PRIMARY KEY,\n"
      + "  state      TEXT NOT NULL CHECK (state IN ('RESERVED', 'CONFIRMED', 'CANCELLED')),\n"
      + "  created_at INTEGER NOT NULL,\n"
      + "  updated_at INTEGER NOT NULL\n"
      + ")";
  private static final String BARRIER_INDEX = "CREATE INDEX txn_barrier_reserved ON txn_barrier"
      + " (created_at) WHERE state = 'RESERVED'";

  @TempDir Path dir;

  @Test
  void aScriptEditedAfterItWasAppliedIsRefusedAndNamed() throws IOException {
    Path file = dir.resolve("a.db");
    Path scripts = dir.resolve("scripts");
    SqliteDatabase.open(TestDatabases.specWithScripts(scripts, Map.of("V1__items.sql",
        TestDatabases.script("V1__items.sql"))), file).close();
    byte[] before = Files.readAllBytes(file);

    DatabaseSpec edited = TestDatabases.specWithScripts(scripts, Map.of("V1__items.sql",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"));
    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(edited, file));

    assertMentions(refused, "refusing the test database at " + file.toAbsolutePath());
    assertMentions(refused, "its test script V1 (items) was changed after it was applied");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void aFileMadeBeforeFlywayIsTakenAtItsUserVersionAndGetsOnlyTheLaterScripts() {
    Path file = dir.resolve("old.db");
    PreFlywayFiles.create(file, TestDatabases.APPLICATION_ID, 1,
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        BARRIER_V1, BARRIER_INDEX, "INSERT INTO items (name) VALUES ('made before Flyway')");

    for (int open = 0; open < 2; open++) {
      try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
        assertEquals(List.of("made before Flyway"), db.read(TestDatabases::items));
        assertEquals(List.of("2", "3"),
            db.read(handle -> TestDatabases.appliedVersions(handle, "test")));
        assertEquals(List.of("2", "3"),
            db.read(handle -> TestDatabases.appliedVersions(handle, "tcc_barrier")),
            "baselined at v1, the barrier's later scripts (finished-rows index, sweep claims) "
                + "run");
        for (String part : List.of("test", "tcc_barrier")) {
          assertEquals("1", db.read(handle -> handle.createQuery("SELECT version FROM " + part
              + "_schema_history WHERE type = 'BASELINE'").mapTo(String.class).one()));
        }
      }
    }
    // Cleared once every part is baselined: a part added later is not taken as made already.
    assertEquals(0, PreFlywayFiles.pragma(file, "user_version"));
    assertEquals(TestDatabases.APPLICATION_ID, PreFlywayFiles.pragma(file, "application_id"));
  }

  @Test
  void aFileMadeBeforeFlywayWithANewerVersionIsRefused() throws IOException {
    Path file = dir.resolve("old.db");
    PreFlywayFiles.create(file, TestDatabases.APPLICATION_ID, 9,
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    byte[] before = Files.readAllBytes(file);

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, "its schema v9 is newer than this server knows");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void aPartAddedToADatabaseLaterIsMigratedFromItsFirstScript() {
    Path file = dir.resolve("a.db");
    DatabaseSpec withoutBarrier = new DatabaseSpec("test", TestDatabases.APPLICATION_ID,
        List.of(TestDatabases.SCRIPTS));
    SqliteDatabase.open(withoutBarrier, file).close();

    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      assertEquals(0L, db.<Long>read(handle -> handle.createQuery(
          "SELECT count(*) FROM txn_barrier").mapTo(Long.class).one()));
      assertEquals(List.of("1", "2", "3"),
          db.read(handle -> TestDatabases.appliedVersions(handle, "tcc_barrier")));
    }
  }

  @Test
  void aMisspeltScriptLocationStopsTheStartInsteadOfMigratingNothing() {
    DatabaseSpec misspelt = new DatabaseSpec("test", TestDatabases.APPLICATION_ID,
        List.of(new SchemaScripts("test", "classpath:db/no-such-folder")));

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(misspelt, dir.resolve("a.db")));

    assertMentions(refused, "its test schema could not be migrated");
    assertMentions(refused, "db/no-such-folder/sqlite");
  }

  @Test
  void combiningDatabasesTakesTheSharedBarrierOnceAndRefusesTwoPartsOfOneName() {
    DatabaseSpec barrierOnly = new DatabaseSpec("barrier", 2, List.of(TccBarrier.SCRIPTS));

    DatabaseSpec both = DatabaseSpec.combining("both", 3, TestDatabases.spec(), barrierOnly);

    assertEquals(List.of(TccBarrier.SCRIPTS, TestDatabases.SCRIPTS), both.scripts());
    DatabaseSpec clash = new DatabaseSpec("clash", 4,
        List.of(new SchemaScripts("test", "classpath:db/elsewhere")));
    assertThrows(IllegalArgumentException.class,
        () -> DatabaseSpec.combining("both", 3, TestDatabases.spec(), clash));
    assertThrows(IllegalArgumentException.class, () -> new DatabaseSpec("twice", 5,
        List.of(TestDatabases.SCRIPTS, TestDatabases.SCRIPTS)));
  }

  private static void assertMentions(Exception e, String text) {
    assertTrue(e.getMessage().contains(text),
        "expected the message to mention \"" + text + "\", was: " + e.getMessage());
  }
}
