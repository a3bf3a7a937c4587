package signup.common.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static signup.common.store.TestDatabases.insertItem;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;
import signup.common.SmallFilesystem;
import signup.common.domain.Completions;
import signup.common.domain.StoreUnavailableException;
import signup.common.domain.StoreUnavailableException.Reason;

/**
 * Faults of the file's surroundings, real ones: a filesystem full to the last byte, a
 * read-only mount, and the modes the files are created with.
 */
class StoreFaultTest {
  /** Rows big enough that each write needs fresh pages, not the ones a failed one left. */
  private static final String BIG = "x".repeat(16 * 1024);

  @TempDir Path dir;
  private SmallFilesystem disk;
  private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  private final Logger writabilityLog = (Logger) LoggerFactory.getLogger(Writability.class);

  @BeforeEach
  void captureWarnings() {
    warnings.start();
    writabilityLog.addAppender(warnings);
  }

  @AfterEach
  void release() {
    writabilityLog.detachAppender(warnings);
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void aFullDiskFailsWritesAsOutOfSpaceKeepsNothingWarnsOnceAndRecoversOnceSpaceIsFreed() {
    disk = SmallFilesystem.mount(dir.resolve("small"), 8);
    List<Boolean> told = new CopyOnWriteArrayList<>();
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(),
        disk.path().resolve("a.db"))) {
      db.onWritableChange(told::add);
      write(db, "before");

      disk.fill();

      for (int i = 0; i < 20; i++) {
        String name = "lost-" + i;
        StoreUnavailableException refused =
            assertThrows(StoreUnavailableException.class, () -> write(db, name));
        assertEquals(Reason.OUT_OF_SPACE, refused.reason());
        assertEquals("the test database is out of disk space: nothing was written; try again "
            + "later", refused.getMessage());
      }
      // Several writers at once share a commit: every one of them is told, none is kept.
      List<CompletableFuture<Void>> together = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String name = "together-" + i;
        together.add(db.writeAsync(handle -> {
          insertItem(handle, name + BIG);
          return null;
        }));
      }
      for (CompletableFuture<Void> write : together) {
        assertTrue(Completions.cause(assertThrows(Exception.class, write::join))
            instanceof StoreUnavailableException);
      }
      assertEquals(List.of("before"), names(db), "nothing of a failed write is kept");
      assertFalse(db.writable());
      assertEquals(List.of(true, false), told, "told once, not once a write");
      assertEquals(1, warnings(), "one warning, not one a write: " + warnings.list);

      disk.free();

      await().atMost(Duration.ofSeconds(10)).until(db::writable);
      assertEquals(List.of(true, false, true), told);
      write(db, "after");
      assertEquals(List.of("after", "before"), names(db));
    }
  }

  @Test
  void aFullDiskIsNotReportedBackByATestWriteThatFitsInWhatAFailedCommitLeft() {
    disk = SmallFilesystem.mount(dir.resolve("small"), 8);
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(),
        disk.path().resolve("a.db"))) {
      write(db, "before");
      // Room for a few WAL frames, not for a write of 128 KiB: its commit writes those frames
      // and then fails; a one-page test write would fit where they were.
      disk.fillLeaving(32);
      assertThrows(StoreUnavailableException.class, () -> db.write(handle -> {
        insertItem(handle, "lost" + BIG.repeat(8));
        return null;
      }));

      // Three test writes fall due meanwhile; each would fit in the failed commit's frames.
      Duration threeProbes = Writability.PROBE_INTERVAL.multipliedBy(3);
      await().during(threeProbes).atMost(threeProbes.plusSeconds(5))
          .until(() -> !db.writable());
      assertEquals(1, warnings());
    }
  }

  @Test
  void aDatabaseOnAReadOnlyFilesystemIsRefusedAtStartNamingTheFile() {
    disk = SmallFilesystem.mount(dir.resolve("small"), 8);
    Path file = disk.path().resolve("a.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      write(db, "kept");
    }
    remount(disk.path(), "ro");

    DatabaseUnusableException refused = assertThrows(DatabaseUnusableException.class,
        () -> SqliteDatabase.open(TestDatabases.spec(), file));

    assertTrue(refused.getMessage().startsWith("the test database at " + file
        + " is not writable"), refused.getMessage());
    remount(disk.path(), "rw");
  }

  @Test
  void sqliteErrorsOfAFileThatCannotBeWrittenAreStorageFaultsAndOthersAreNot()
      throws Exception {
    Path file = dir.resolve("a.db");
    SqliteDatabase.open(TestDatabases.spec(), file).close();
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file,
        readOnly.toProperties())) {
      SQLiteException notWritable = assertThrows(SQLiteException.class, () ->
          connection.createStatement().executeUpdate("INSERT INTO items (name) VALUES ('x')"));
      SQLiteException notSql = assertThrows(SQLiteException.class, () ->
          connection.createStatement().executeUpdate("INSERT INTO nowhere VALUES (1)"));

      assertEquals(Reason.READ_ONLY, StorageFaults.of(
          new IllegalStateException("wrapped", notWritable)).orElseThrow());
      assertTrue(StorageFaults.of(notSql).isEmpty(), notSql.getMessage());
    }
  }

  @Test
  void aNewDatabaseIsReadableByItsOwnerOnlyWithItsWalAndShmInAPrivateDirectory()
      throws Exception {
    Path file = dir.resolve("data/nested/a.db");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), file)) {
      write(db, "secret");
      Set<PosixFilePermission> ownerOnly =
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertEquals(ownerOnly, Files.getPosixFilePermissions(file));
      assertEquals(ownerOnly, Files.getPosixFilePermissions(Path.of(file + "-wal")));
      assertEquals(ownerOnly, Files.getPosixFilePermissions(Path.of(file + "-shm")));
      Set<PosixFilePermission> ownerOnlyDir = Set.of(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
      assertEquals(ownerOnlyDir, Files.getPosixFilePermissions(file.getParent()));
      assertEquals(ownerOnlyDir, Files.getPosixFilePermissions(dir.resolve("data")));
    }
  }

  private static void write(SqliteDatabase db, String name) {
    db.write(handle -> {
      insertItem(handle, name + BIG);
      return null;
    });
  }

  private static List<String> names(SqliteDatabase db) {
    return db.read(TestDatabases::items).stream()
        .map(name -> name.substring(0, name.length() - BIG.length())).toList();
  }

  private long warnings() {
    return warnings.list.stream().filter(event -> event.getLevel() == Level.WARN).count();
  }

  private static void remount(Path mountPoint, String mode) {
    try {
      Process remount = new ProcessBuilder("mount", "-o", "remount," + mode,
          mountPoint.toString()).redirectErrorStream(true).start();
      String output = new String(remount.getInputStream().readAllBytes());
      assertTrue(remount.waitFor(30, TimeUnit.SECONDS) && remount.exitValue() == 0,
          "remount " + mode + ": " + output);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
