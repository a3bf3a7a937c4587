package signup.common.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses a file that is not ours or is corrupt before anything writes to it, and marks a new
 * file as ours. Bringing the schema up to date is {@link SchemaMigrator}'s job.
 */
final class SchemaGuard {
  private SchemaGuard() {}

  /**
   * Checks the file and claims it when it is new.
   *
   * @return the schema version recorded in SQLite's {@code user_version} by the migration runner
   *     that preceded Flyway, 0 when there is none
   */
  static int checkAndClaim(DatabaseSpec spec, Path file, Connection connection) {
    int applicationId;
    int version;
    try (Statement statement = connection.createStatement()) {
      applicationId = intPragma(statement, "application_id");
      version = intPragma(statement, "user_version");
      // Ours always carry our application_id; many other programs number their schema in
      // user_version without one, so a version alone does not make a file ours.
      if (applicationId == 0 && (version != 0 || hasTables(statement))) {
        throw unusable(spec, file, "it holds tables but is not a " + spec.name() + " database");
      }
      if (applicationId != 0 && applicationId != spec.applicationId()) {
        throw unusable(spec, file, "it belongs to another application (application_id "
            + applicationId + ")");
      }
      String check = quickCheck(statement);
      if (!"ok".equals(check)) {
        throw unusable(spec, file, "integrity check failed: " + check);
      }
    } catch (SQLException e) {
      // SQLITE_NOTADB and friends: a file that is not SQLite at all, or a damaged header.
      throw unusable(spec, file, "not a readable SQLite database (" + e.getMessage() + ")");
    }
    if (applicationId == 0) {
      // Marked before the first migration runs, not after: a start that dies half-way through
      // the migrations then leaves a file this server still recognises and finishes migrating.
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate("PRAGMA application_id = " + spec.applicationId());
      } catch (SQLException e) {
        throw unusable(spec, file, "cannot write to it (" + e.getMessage() + ")");
      }
    }
    return version;
  }

  static boolean hasTables(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  private static int intPragma(Statement statement, String pragma) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String quickCheck(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA quick_check(1)")) {
      return rs.next() ? rs.getString(1) : "no answer";
    }
  }

  static DatabaseUnusableException unusable(DatabaseSpec spec, Path file, String why) {
    return unusable(spec, file.toString(), why);
  }

  /** @param where a file, or a PostgreSQL URL without its parameters */
  static DatabaseUnusableException unusable(DatabaseSpec spec, String where, String why) {
    return new DatabaseUnusableException(
        "refusing the " + spec.name() + " database at " + where + ": " + why, null);
  }
}
