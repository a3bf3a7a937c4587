package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server must never adopt, damage or half-migrate a file that is not one of its own. */
class DatabaseRefusalTest {
  @TempDir Path dir;

  @Test
  void fileOfGarbageBytesIsRefusedWithAClearMessage() throws IOException {
    Path file = dir.resolve("garbage.db");
    Files.write(file, "this is not a database, just some text. ".repeat(200)
        .getBytes(StandardCharsets.US_ASCII));
    byte[] before = Files.readAllBytes(file);

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, file.toAbsolutePath().toString());
    assertMentions(refused, "test database");
    assertMentions(refused, "not a database");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void fileOfAnotherApplicationIsRefusedAndLeftUntouched() throws Exception {
    Path file = dir.resolve("other.db");
    foreignFile(file, "PRAGMA application_id = 12345", "CREATE TABLE t (x)",
        "INSERT INTO t VALUES (1)");
    byte[] before = Files.readAllBytes(file);

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, "another application (application_id 12345)");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void fileWithForeignTablesAndNoApplicationIdIsRefused() throws Exception {
    Path file = dir.resolve("foreign.db");
    foreignFile(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    byte[] before = Files.readAllBytes(file);

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, "not a test database");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void fileWithForeignTablesAndItsOwnUserVersionIsRefusedNotMigrated() throws Exception {
    // Many applications number their schema in user_version but never set application_id.
    Path file = dir.resolve("foreign.db");
    foreignFile(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY)", "PRAGMA user_version = 1");
    byte[] before = Files.readAllBytes(file);

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, "not a test database");
    assertArrayEquals(before, Files.readAllBytes(file), "the refused file must be left as it was");
  }

  @Test
  void emptyFileIsTakenAsANewDatabase() throws IOException {
    Path file = dir.resolve("empty.db");
    Files.createFile(file);
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      assertTrue(db.read(TestDatabases::items).isEmpty());
    }
  }

  @Test
  void schemaNewerThanThisCodeKnowsIsRefused() {
    Path file = dir.resolve("newer.db");
    SqliteDatabase.open(TestDatabases.spec(), file).close();

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.specUpTo(dir, 2), file));

    assertMentions(refused, "its test schema v3 is newer than this server knows (v2)");
  }

  @Test
  void fileWithADamagedPageIsRefused() throws IOException {
    Path file = dir.resolve("damaged.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      db.write(handle -> {
        for (int i = 0; i < 200; i++) {
          TestDatabases.insertItem(handle, "item-" + i);
        }
        return null;
      });
    }
    int pageSize;
    try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
      raw.seek(16);
      pageSize = raw.readUnsignedShort();
      // Everything after the first page (the header and the schema) becomes noise.
      byte[] noise = new byte[(int) raw.length() - pageSize];
      java.util.Arrays.fill(noise, (byte) 0x5A);
      raw.seek(pageSize);
      raw.write(noise);
    }

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertMentions(refused, file.toAbsolutePath().toString());
  }

  private static void foreignFile(Path file, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static void assertMentions(Exception e, String text) {
    assertTrue(e.getMessage().contains(text),
        "expected the message to mention \"" + text + "\", was: " + e.getMessage());
  }
}
