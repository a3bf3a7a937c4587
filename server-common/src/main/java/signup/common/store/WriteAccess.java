package signup.common.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import signup.common.domain.StoreUnavailableException;
import signup.common.security.PrivateFiles;

/**
 * That a database file is private and can be written, made sure of before a server starts on
 * it rather than found out by its first sign-up; and the test write that tells, later, whether
 * a store that stopped taking writes takes them again.
 */
final class WriteAccess {
  private WriteAccess() {}

  /**
   * Creates the directory (0700) and the file (0600, before SQLite would create it with the
   * process's umask, 0644 as a rule; its -wal and -shm take the file's mode), and refuses a file
   * or directory this user may not write.
   */
  static void prepare(DatabaseSpec spec, Path file) throws IOException {
    Path dir = file.getParent();
    if (dir != null) {
      PrivateFiles.createDirectories(dir);
    }
    PrivateFiles.createFileIfMissing(file);
    requireWritable(spec, file);
  }

  /**
   * SQLite opens a file it may not write read-only without a word, and in a directory it may
   * not write it cannot even read a WAL database (it must create the -wal and -shm files there):
   * either would pass for "not a database" or fail every write later. Said plainly here.
   */
  private static void requireWritable(DatabaseSpec spec, Path file) {
    Path dir = file.getParent();
    Path notWritable = !Files.isWritable(file) ? file
        : dir != null && !Files.isWritable(dir) ? dir : null;
    if (notWritable != null) {
      throw new DatabaseUnusableException("the " + spec.name() + " database at " + file
          + " is not writable: this user may not write " + notWritable
          + (notWritable == dir ? " (SQLite creates the database's -wal and -shm files there)"
              : ""), null);
    }
  }

  /** A write that changes nothing, so that a file SQLite may not write is found at start. */
  static void testAtStart(DatabaseSpec spec, Path file, Connection writer) {
    try {
      writer.setAutoCommit(false);
      testWrite(writer);
      writer.commit();
      writer.setAutoCommit(true);
    } catch (SQLException e) {
      String why = StorageFaults.of(e).map(StoreUnavailableException.Reason::description)
          .orElse("cannot be written");
      throw new DatabaseUnusableException("the " + spec.name() + " database at " + file + " "
          + why + " (" + e.getMessage() + "): check the free space, and that this user may "
          + "write the file and its directory", e);
    }
  }

  /**
   * Rewrites the header's application_id with its own value: a real write of one page (and so a
   * commit into the WAL, with its fsync) that changes nothing, on any schema.
   */
  static void testWrite(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      int applicationId;
      try (ResultSet rs = statement.executeQuery("PRAGMA application_id")) {
        applicationId = rs.next() ? rs.getInt(1) : 0;
      }
      statement.executeUpdate("PRAGMA application_id = " + applicationId);
    }
  }
}
