package signup.common.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Refuses a file that is not ours or is corrupt, then brings the schema up to date. */
final class SchemaGuard {
  private static final Logger log = LoggerFactory.getLogger(SchemaGuard.class);

  private SchemaGuard() {}

  static void checkAndMigrate(DatabaseSpec spec, Path file, Connection connection) {
    int applicationId;
    int version;
    try (Statement statement = connection.createStatement()) {
      applicationId = intPragma(statement, "application_id");
      version = intPragma(statement, "user_version");
      // Ours always carry our application_id once migrated; many other programs number their
      // schema in user_version without one, so a version alone does not make a file ours.
      if (applicationId == 0 && (version != 0 || hasTables(statement))) {
        throw unusable(spec, file, "it holds tables but is not a " + spec.name() + " database");
      }
      if (applicationId != 0 && applicationId != spec.applicationId()) {
        throw unusable(spec, file, "it belongs to another application (application_id "
            + applicationId + ")");
      }
      if (version > spec.latestVersion()) {
        throw unusable(spec, file, "its schema v" + version
            + " is newer than this server knows (v" + spec.latestVersion() + ")");
      }
      String check = quickCheck(statement);
      if (!"ok".equals(check)) {
        throw unusable(spec, file, "integrity check failed: " + check);
      }
    } catch (SQLException e) {
      // SQLITE_NOTADB and friends: a file that is not SQLite at all, or a damaged header.
      throw unusable(spec, file, "not a readable SQLite database (" + e.getMessage() + ")");
    }
    for (Migration migration : spec.migrations()) {
      if (migration.version() > version) {
        apply(spec, file, connection, migration);
      }
    }
  }

  private static void apply(DatabaseSpec spec, Path file, Connection connection,
      Migration migration) {
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : migration.sql().split(";")) {
          if (!sql.isBlank()) {
            statement.executeUpdate(sql);
          }
        }
        statement.executeUpdate("PRAGMA application_id = " + spec.applicationId());
        statement.executeUpdate("PRAGMA user_version = " + migration.version());
      }
      connection.commit();
      log.info("{} database: applied migration v{} ({})", spec.name(), migration.version(),
          migration.description());
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the original failure is the one to report
      }
      throw unusable(spec, file, "migration v" + migration.version() + " failed: "
          + e.getMessage());
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // the connection is closed by the caller on failure
      }
    }
  }

  private static int intPragma(Statement statement, String pragma) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static boolean hasTables(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  private static String quickCheck(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA quick_check(1)")) {
      return rs.next() ? rs.getString(1) : "no answer";
    }
  }

  private static DatabaseUnusableException unusable(DatabaseSpec spec, Path file, String why) {
    return new DatabaseUnusableException(
        "refusing the " + spec.name() + " database at " + file + ": " + why, null);
  }
}
