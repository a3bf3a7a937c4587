package signup.common.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Database files as the migration runner before Flyway left them (schema version in
 * {@code user_version}, no history table), and a way to compare the schemas of two files.
 */
public final class PreFlywayFiles {
  private PreFlywayFiles() {}

  /**
   * Runs {@code statements} and then records {@code applicationId} and {@code version}, in one
   * transaction, as the old runner did; then switches the file to WAL, as the servers did next.
   */
  public static void create(Path file, int applicationId, int version, String... statements) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.executeUpdate(sql);
        }
        statement.executeUpdate("PRAGMA application_id = " + applicationId);
        statement.executeUpdate("PRAGMA user_version = " + version);
      }
      connection.commit();
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode = WAL");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every table and index of the file but Flyway's history tables, name to SQL with its
   * whitespace collapsed: equal for two files whose scripts made the same schema.
   */
  public static Map<String, String> schema(Path file) {
    Map<String, String> schema = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT name, sql FROM sqlite_master"
            + " WHERE sql IS NOT NULL AND name NOT LIKE '%schema_history%'")) {
      while (rs.next()) {
        schema.put(rs.getString(1), rs.getString(2).replaceAll("\\s+", " ").trim());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return schema;
  }

  /** An integer pragma of the file, such as {@code user_version}. */
  public static int pragma(Path file, String pragma) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
